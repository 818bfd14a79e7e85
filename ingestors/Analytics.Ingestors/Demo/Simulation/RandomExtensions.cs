namespace Analytics.Ingestors.Demo;

/// <summary>The few distributions the generator draws from, all on a seeded <see cref="Random"/>.</summary>
internal static class RandomExtensions
{
    public static bool Chance(this Random rng, double probability) => rng.NextDouble() < probability;

    public static double Between(this Random rng, double min, double max) => min + (rng.NextDouble() * (max - min));

    public static T Pick<T>(this Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    /// <summary>Waiting times: most are short, a few are long.</summary>
    public static double Exponential(this Random rng, double mean) => -mean * Math.Log(1 - rng.NextDouble());

    /// <summary>Durations people report as "usually about X, sometimes much longer".</summary>
    public static double LogNormal(this Random rng, double median, double sigma) => median * Math.Exp(sigma * rng.StandardNormal());

    public static double StandardNormal(this Random rng)
    {
        // Box–Muller; 1 - NextDouble() avoids log(0).
        var u1 = 1 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>How many of a rare event happen in one interval, given the mean.</summary>
    public static int Poisson(this Random rng, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }
        if (mean > 30)
        {
            return Math.Max(0, (int)Math.Round(mean + (Math.Sqrt(mean) * rng.StandardNormal())));
        }
        // Knuth: multiply uniforms until the product drops below e^-mean.
        var limit = Math.Exp(-mean);
        var count = 0;
        var product = rng.NextDouble();
        while (product > limit)
        {
            count++;
            product *= rng.NextDouble();
        }
        return count;
    }

    /// <summary>A 40-hex-digit git object id.</summary>
    public static string Sha(this Random rng)
    {
        Span<byte> bytes = stackalloc byte[20];
        rng.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public static void Shuffle<T>(this Random rng, IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
