using System.Text;

namespace LocalCluster;

/// <summary>A console writer that hands each complete line to <paramref name="line"/> (Console.SetOut makes it thread-safe).</summary>
internal sealed class LineWriter(Action<string> line) : TextWriter
{
    private readonly StringBuilder buffer = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            line(buffer.ToString().TrimEnd('\r'));
            buffer.Clear();
        }
        else
        {
            buffer.Append(value);
        }
    }
}
