namespace Neurone.Tensors;

/// <summary>
/// Neurone's seeded random generator: xoshiro256** (Blackman and Vigna, 2018) with its state
/// expanded from a 64-bit seed by SplitMix64, as the algorithm's authors recommend. The sequence is
/// defined by integer arithmetic alone, so the same seed gives the same numbers on every machine and
/// runtime. Gaussian numbers use the Box–Muller transform. All randomness in Neurone flows through an
/// explicit <see cref="Rng"/>; its <see cref="State"/> can be saved and restored for resumable runs.
/// </summary>
public sealed class Rng
{
    ulong s0, s1, s2, s3;
    // Box–Muller makes two normals at a time; the second one waits here.
    bool hasSpareNormal;
    double spareNormal;

    /// <summary>
    /// The generator layers use when none is passed (PyTorch's global generator). It starts from seed 0,
    /// so a program that builds its model the same way gets the same weights; <see cref="ManualSeed"/>
    /// restarts it. Pass an explicit <see cref="Rng"/> wherever independence from construction order matters.
    /// </summary>
    public static Rng Default { get; private set; } = new(0);

    /// <summary>Restarts <see cref="Default"/> from <paramref name="seed"/> (PyTorch's <c>manual_seed</c>).</summary>
    public static void ManualSeed(ulong seed) => Default = new Rng(seed);

    /// <summary>Creates a generator whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        s0 = SplitMix64(ref x);
        s1 = SplitMix64(ref x);
        s2 = SplitMix64(ref x);
        s3 = SplitMix64(ref x);
    }

    Rng(RngState state) => State = state;

    /// <summary>The complete state: restoring it continues the sequence exactly where it was.</summary>
    public RngState State
    {
        get => new(s0, s1, s2, s3, hasSpareNormal, spareNormal);
        set
        {
            if ((value.S0 | value.S1 | value.S2 | value.S3) == 0)
                throw new ArgumentException("Rng.State: expected a non-zero xoshiro256** state, got all zeros.", nameof(value));
            (s0, s1, s2, s3, hasSpareNormal, spareNormal) = (value.S0, value.S1, value.S2, value.S3, value.HasSpareNormal, value.SpareNormal);
        }
    }

    /// <summary>A new generator continuing from a copy of this one's state.</summary>
    public Rng Clone() => new(State);

    /// <summary>
    /// A new generator whose sequence is independent of this one's for practical purposes; draws one
    /// number from this generator to seed it. Use it to give a component its own stream.
    /// </summary>
    public Rng Fork() => new(NextUInt64());

    static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 uniformly random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>A float uniform in [0, 1), with all 24 bits of the mantissa random.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>A double uniform in [0, 1), with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An integer uniform in [0, <paramref name="bound"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), bound, "Rng.NextInt: expected a positive bound.");
        ulong b = (ulong)bound;
        ulong product = (NextUInt64() >> 32) * b;
        uint low = (uint)product;
        if (low < (uint)bound)
        {
            uint threshold = (uint)(-(int)bound) % (uint)bound;
            while (low < threshold)
            {
                product = (NextUInt64() >> 32) * b;
                low = (uint)product;
            }
        }
        return (int)(product >> 32);
    }

    /// <summary>An integer uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public int NextInt(int low, int high)
    {
        if (high <= low) throw new ArgumentOutOfRangeException(nameof(high), $"Rng.NextInt: expected low < high, got [{low}, {high}).");
        return low + NextInt(high - low);
    }

    /// <summary>A standard normal number (mean 0, standard deviation 1).</summary>
    public double NextGaussian()
    {
        if (hasSpareNormal)
        {
            hasSpareNormal = false;
            return spareNormal;
        }
        var (z0, z1) = NextGaussianPair();
        spareNormal = z1;
        hasSpareNormal = true;
        return z0;
    }

    /// <summary>Two independent standard normals from one Box–Muller step.</summary>
    (double, double) NextGaussianPair()
    {
        // 1 - u keeps the logarithm's argument in (0, 1].
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double theta = 2.0 * Math.PI * u2;
        return (r * Math.Cos(theta), r * Math.Sin(theta));
    }

    /// <summary>Fills <paramref name="dst"/> with uniform numbers in [low, high).</summary>
    public void FillUniform(Span<float> dst, float low = 0f, float high = 1f)
    {
        float scale = high - low;
        for (int i = 0; i < dst.Length; i++) dst[i] = low + scale * NextFloat();
    }

    /// <summary>Fills <paramref name="dst"/> with normal numbers of the given mean and standard deviation.</summary>
    public void FillNormal(Span<float> dst, float mean = 0f, float std = 1f)
    {
        int i = 0;
        for (; i + 1 < dst.Length; i += 2)
        {
            var (z0, z1) = NextGaussianPair();
            dst[i] = (float)(mean + std * z0);
            dst[i + 1] = (float)(mean + std * z1);
        }
        if (i < dst.Length) dst[i] = (float)(mean + std * NextGaussian());
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Rng.Permutation: expected a non-negative length.");
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle<int>(p);
        return p;
    }
}

/// <summary>A saved <see cref="Rng"/> state: the four xoshiro256** words and the Box–Muller spare.</summary>
public readonly record struct RngState(ulong S0, ulong S1, ulong S2, ulong S3, bool HasSpareNormal, double SpareNormal);
