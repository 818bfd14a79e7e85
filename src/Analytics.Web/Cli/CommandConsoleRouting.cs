using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Analytics.Web.Cli;

/// <summary>
/// In the app, points <see cref="System.Console"/> and <see cref="AnsiConsole"/> at the console of the command being
/// run for a CLI (<see cref="CommandContext"/>) when there is one, and at the app's own otherwise — so the commands
/// write as they always do, and each command's output reaches its own caller even when several run at once.
/// </summary>
internal static class CommandConsoleRouting
{
    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
        {
            return;
        }
        var ansi = AnsiConsole.Console;
        System.Console.SetOut(new RoutedWriter(System.Console.Out, context => context.Out));
        System.Console.SetError(new RoutedWriter(System.Console.Error, context => context.Error));
        AnsiConsole.Console = new RoutedAnsiConsole(ansi);
    }

    private sealed class RoutedWriter(TextWriter own, Func<CommandContext, TextWriter> pick) : TextWriter
    {
        private TextWriter Target => CommandContext.Current is { } context ? pick(context) : own;

        public override Encoding Encoding => Target.Encoding;

        public override void Write(char value) => Target.Write(value);

        public override void Write(char[] buffer, int index, int count) => Target.Write(buffer, index, count);

        public override void Write(string? value) => Target.Write(value);

        public override void WriteLine(string? value) => Target.WriteLine(value);

        public override void Flush() => Target.Flush();
    }

    private sealed class RoutedAnsiConsole(IAnsiConsole own) : IAnsiConsole
    {
        private IAnsiConsole Target => CommandContext.Current?.Console ?? own;

        public Profile Profile => Target.Profile;

        public IAnsiConsoleCursor Cursor => Target.Cursor;

        public IAnsiConsoleInput Input => Target.Input;

        public IExclusivityMode ExclusivityMode => Target.ExclusivityMode;

        public RenderPipeline Pipeline => Target.Pipeline;

        public void Clear(bool home) => Target.Clear(home);

        public void Write(IRenderable renderable) => Target.Write(renderable);

        public void WriteAnsi(Action<AnsiWriter> action) => Target.WriteAnsi(action);
    }
}
