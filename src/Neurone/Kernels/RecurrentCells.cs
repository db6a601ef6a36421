using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neurone.Kernels;

/// <summary>
/// The pointwise half of one LSTM or GRU time step for one batch row, fused into one pass over the hidden units:
/// the gate nonlinearities (the accurate sigmoid and tanh of <see cref="ElementwiseMath"/>), the cell update and
/// the new hidden state, and the matching backward. The GEMMs around them (the input projection of every step,
/// the recurrent product of each step) are the caller's. Gates are laid out as PyTorch's weights: LSTM i, f, g, o
/// and GRU r, z, n, each <c>hidden</c> wide, side by side in one row. Written once over <see cref="ILanes{TSelf}"/>,
/// so the AVX-512, AVX2 and scalar paths give the same bits.
/// </summary>
public static class RecurrentCells
{
    /// <summary>
    /// LSTM forward for one row: <paramref name="gates"/> [4H] holds the pre-activations on entry and the activated
    /// gates i, f, g, o on return; <paramref name="c"/> holds c₍ₜ₋₁₎ on entry and cₜ = f·c₍ₜ₋₁₎ + i·g on return;
    /// <paramref name="tanhC"/> receives tanh(cₜ) and <paramref name="h"/> receives hₜ = o·tanh(cₜ).
    /// </summary>
    public static void LstmForward(SimdLevel level, int hidden, Span<float> gates, Span<float> c, Span<float> tanhC, Span<float> h)
    {
        Check("lstm forward", hidden, gates.Length, 4, c.Length, tanhC.Length, h.Length);
        ref float gs = ref MemoryMarshal.GetReference(gates);
        ref float cs = ref MemoryMarshal.GetReference(c);
        ref float ts = ref MemoryMarshal.GetReference(tanhC);
        ref float hs = ref MemoryMarshal.GetReference(h);
        nuint n = (nuint)hidden, i = 0;
        if (level >= SimdLevel.Vector512 && Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) LstmForwardLanes<Lanes512>(ref gs, ref cs, ref ts, ref hs, n, i);
        if (level >= SimdLevel.Vector256 && Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) LstmForwardLanes<Lanes256>(ref gs, ref cs, ref ts, ref hs, n, i);
        for (; i < n; i++) LstmForwardLanes<Lane1>(ref gs, ref cs, ref ts, ref hs, n, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void LstmForwardLanes<TV>(ref float gs, ref float cs, ref float ts, ref float hs, nuint n, nuint i) where TV : struct, ILanes<TV>
    {
        var ig = ElementwiseMath.SigmoidOf(TV.Load(ref gs, i));
        var fg = ElementwiseMath.SigmoidOf(TV.Load(ref gs, n + i));
        var gg = ElementwiseMath.TanhOf(TV.Load(ref gs, 2 * n + i));
        var og = ElementwiseMath.SigmoidOf(TV.Load(ref gs, 3 * n + i));
        ig.Store(ref gs, i);
        fg.Store(ref gs, n + i);
        gg.Store(ref gs, 2 * n + i);
        og.Store(ref gs, 3 * n + i);
        var cell = TV.Fma(fg, TV.Load(ref cs, i), ig * gg);
        cell.Store(ref cs, i);
        var t = ElementwiseMath.TanhOf(cell);
        t.Store(ref ts, i);
        (og * t).Store(ref hs, i);
    }

    /// <summary>
    /// LSTM backward for one row. From the activated <paramref name="gates"/> [4H], c₍ₜ₋₁₎, tanh(cₜ), the gradient
    /// <paramref name="dh"/> reaching hₜ and <paramref name="dc"/> reaching cₜ (on return: the gradient reaching
    /// c₍ₜ₋₁₎), writes the pre-activation gradients [4H] into <paramref name="dGates"/>.
    /// </summary>
    public static void LstmBackward(SimdLevel level, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> tanhC,
        ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates)
    {
        Check("lstm backward", hidden, gates.Length, 4, cPrev.Length, tanhC.Length, dh.Length);
        Check("lstm backward", hidden, dGates.Length, 4, dc.Length, hidden, hidden);
        ref float gs = ref MemoryMarshal.GetReference(gates);
        ref float cp = ref MemoryMarshal.GetReference(cPrev);
        ref float ts = ref MemoryMarshal.GetReference(tanhC);
        ref float dhs = ref MemoryMarshal.GetReference(dh);
        ref float dcs = ref MemoryMarshal.GetReference(dc);
        ref float dgs = ref MemoryMarshal.GetReference(dGates);
        nuint n = (nuint)hidden, i = 0;
        if (level >= SimdLevel.Vector512 && Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) LstmBackwardLanes<Lanes512>(ref gs, ref cp, ref ts, ref dhs, ref dcs, ref dgs, n, i);
        if (level >= SimdLevel.Vector256 && Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) LstmBackwardLanes<Lanes256>(ref gs, ref cp, ref ts, ref dhs, ref dcs, ref dgs, n, i);
        for (; i < n; i++) LstmBackwardLanes<Lane1>(ref gs, ref cp, ref ts, ref dhs, ref dcs, ref dgs, n, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void LstmBackwardLanes<TV>(ref float gs, ref float cp, ref float ts, ref float dhs, ref float dcs, ref float dgs, nuint n, nuint i)
        where TV : struct, ILanes<TV>
    {
        var one = TV.Create(1f);
        var ig = TV.Load(ref gs, i);
        var fg = TV.Load(ref gs, n + i);
        var gg = TV.Load(ref gs, 2 * n + i);
        var og = TV.Load(ref gs, 3 * n + i);
        var t = TV.Load(ref ts, i);
        var dh = TV.Load(ref dhs, i);
        // dc through hₜ = o·tanh(cₜ), plus what reached cₜ from the step after.
        var dc = TV.Fma(dh * og, one - t * t, TV.Load(ref dcs, i));
        (dc * fg).Store(ref dcs, i);
        (dc * gg * ig * (one - ig)).Store(ref dgs, i);
        (dc * TV.Load(ref cp, i) * fg * (one - fg)).Store(ref dgs, n + i);
        (dc * ig * (one - gg * gg)).Store(ref dgs, 2 * n + i);
        (dh * t * og * (one - og)).Store(ref dgs, 3 * n + i);
    }

    /// <summary>
    /// GRU forward for one row, PyTorch's equations: <paramref name="gatesX"/> [3H] holds Wᵢx + bᵢ for r, z, n on
    /// entry and the activated r, z, n on return; <paramref name="gatesH"/> [3H] holds W_h·h₍ₜ₋₁₎ + b_h;
    /// n = tanh(xₙ + r·hₙ); <paramref name="hn"/> receives the hₙ part (W_hn·h + b_hn, which the backward needs);
    /// <paramref name="h"/> holds h₍ₜ₋₁₎ on entry and hₜ = (1 − z)·n + z·h₍ₜ₋₁₎ on return.
    /// </summary>
    public static void GruForward(SimdLevel level, int hidden, Span<float> gatesX, ReadOnlySpan<float> gatesH, Span<float> hn, Span<float> h)
    {
        Check("gru forward", hidden, gatesX.Length, 3, hn.Length, h.Length, hidden);
        Check("gru forward", hidden, gatesH.Length, 3, hidden, hidden, hidden);
        ref float xs = ref MemoryMarshal.GetReference(gatesX);
        ref float hs0 = ref MemoryMarshal.GetReference(gatesH);
        ref float ns = ref MemoryMarshal.GetReference(hn);
        ref float hs = ref MemoryMarshal.GetReference(h);
        nuint n = (nuint)hidden, i = 0;
        if (level >= SimdLevel.Vector512 && Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) GruForwardLanes<Lanes512>(ref xs, ref hs0, ref ns, ref hs, n, i);
        if (level >= SimdLevel.Vector256 && Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) GruForwardLanes<Lanes256>(ref xs, ref hs0, ref ns, ref hs, n, i);
        for (; i < n; i++) GruForwardLanes<Lane1>(ref xs, ref hs0, ref ns, ref hs, n, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void GruForwardLanes<TV>(ref float xs, ref float gh, ref float ns, ref float hs, nuint n, nuint i) where TV : struct, ILanes<TV>
    {
        var r = ElementwiseMath.SigmoidOf(TV.Load(ref xs, i) + TV.Load(ref gh, i));
        var z = ElementwiseMath.SigmoidOf(TV.Load(ref xs, n + i) + TV.Load(ref gh, n + i));
        var hnv = TV.Load(ref gh, 2 * n + i);
        var nv = ElementwiseMath.TanhOf(TV.Fma(r, hnv, TV.Load(ref xs, 2 * n + i)));
        r.Store(ref xs, i);
        z.Store(ref xs, n + i);
        nv.Store(ref xs, 2 * n + i);
        hnv.Store(ref ns, i);
        var hp = TV.Load(ref hs, i);
        // (1 − z)·n + z·h = n + z·(h − n)
        TV.Fma(z, hp - nv, nv).Store(ref hs, i);
    }

    /// <summary>
    /// GRU backward for one row. From the activated r, z, n in <paramref name="gates"/> [3H], hₙ, h₍ₜ₋₁₎ and the
    /// gradient <paramref name="dh"/> reaching hₜ, writes the gradients of the input pre-activations (Wᵢx + bᵢ) into
    /// <paramref name="dGatesX"/> [3H], of the recurrent pre-activations (W_h·h + b_h) into <paramref name="dGatesH"/>
    /// [3H], and the part of h₍ₜ₋₁₎'s gradient that bypasses the recurrent product, dh·z, into
    /// <paramref name="dhPrevDirect"/>.
    /// </summary>
    public static void GruBackward(SimdLevel level, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev,
        ReadOnlySpan<float> dh, Span<float> dGatesX, Span<float> dGatesH, Span<float> dhPrevDirect)
    {
        Check("gru backward", hidden, gates.Length, 3, hn.Length, hPrev.Length, dh.Length);
        Check("gru backward", hidden, dGatesX.Length, 3, dhPrevDirect.Length, hidden, hidden);
        Check("gru backward", hidden, dGatesH.Length, 3, hidden, hidden, hidden);
        ref float gs = ref MemoryMarshal.GetReference(gates);
        ref float ns = ref MemoryMarshal.GetReference(hn);
        ref float hp = ref MemoryMarshal.GetReference(hPrev);
        ref float dhs = ref MemoryMarshal.GetReference(dh);
        ref float dx = ref MemoryMarshal.GetReference(dGatesX);
        ref float dhh = ref MemoryMarshal.GetReference(dGatesH);
        ref float dd = ref MemoryMarshal.GetReference(dhPrevDirect);
        nuint n = (nuint)hidden, i = 0;
        if (level >= SimdLevel.Vector512 && Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) GruBackwardLanes<Lanes512>(ref gs, ref ns, ref hp, ref dhs, ref dx, ref dhh, ref dd, n, i);
        if (level >= SimdLevel.Vector256 && Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) GruBackwardLanes<Lanes256>(ref gs, ref ns, ref hp, ref dhs, ref dx, ref dhh, ref dd, n, i);
        for (; i < n; i++) GruBackwardLanes<Lane1>(ref gs, ref ns, ref hp, ref dhs, ref dx, ref dhh, ref dd, n, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void GruBackwardLanes<TV>(ref float gs, ref float ns, ref float hp, ref float dhs, ref float dx, ref float dhh, ref float dd, nuint n, nuint i)
        where TV : struct, ILanes<TV>
    {
        var one = TV.Create(1f);
        var r = TV.Load(ref gs, i);
        var z = TV.Load(ref gs, n + i);
        var nv = TV.Load(ref gs, 2 * n + i);
        var dh = TV.Load(ref dhs, i);
        var dnPre = dh * (one - z) * (one - nv * nv);
        var dzPre = dh * (TV.Load(ref hp, i) - nv) * z * (one - z);
        var drPre = dnPre * TV.Load(ref ns, i) * r * (one - r);
        drPre.Store(ref dx, i);
        dzPre.Store(ref dx, n + i);
        dnPre.Store(ref dx, 2 * n + i);
        drPre.Store(ref dhh, i);
        dzPre.Store(ref dhh, n + i);
        (dnPre * r).Store(ref dhh, 2 * n + i);
        (dh * z).Store(ref dd, i);
    }

    static void Check(string name, int hidden, int gatesLength, int gateCount, int a, int b, int c)
    {
        if (hidden < 0 || gatesLength != gateCount * hidden || a != hidden || b != hidden || c != hidden)
            throw new ArgumentException($"{name}: expected gates of {gateCount}×{hidden} and state rows of {hidden}, got {gatesLength}, {a}, {b}, {c}.");
    }
}
