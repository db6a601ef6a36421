namespace Neurone.Cli;

/// <summary>The <c>neurone</c> command. It starts small: later issues add demo, train and friends.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("neurone: deep learning for .NET on the CPU. Commands arrive with later releases.");
        return 0;
    }
}
