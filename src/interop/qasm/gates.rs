//! The gates an OpenQASM file may call without defining them (Qiskit's `qelib1.inc`, the
//! OpenQASM 3 `stdgates.inc`, the built-in `U`, `CX` and `gphase`), each built from the
//! playground's gates with exactly the matrix Qiskit gives it, and the gate modifiers
//! (`ctrl @`, `negctrl @`, `inv @`, `pow(k) @`) applied to a list of playground gates.
//!
//! A built-in gate's matrix is Qiskit's class for that name (`qasm2.LEGACY_CUSTOM_INSTRUCTIONS`
//! for OpenQASM 2, `qiskit_qasm3_import` for 3), global phase included: `u3`/`u`/`U` are
//! PennyLane's U3, `u1`/`p` PhaseShift, `rccx`/`rc3x` the relative-phase Toffolis built from
//! H, T, T† and CNOT as `qelib1.inc` defines them. The OpenQASM 3 specification gives `u2`/`u3`
//! an extra global phase that Qiskit (and so this importer) leaves out.

use crate::sim::{GateKind, Op, SimError};

/// A gate with a global phase: what a gate expands to before it is placed.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Prim {
    /// A playground gate.
    Op(Op),
    /// Multiplies the state by e^{iφ} (`gphase(φ)`): dropped at the top level, a phase
    /// shift on the controls under `ctrl @`.
    Phase(f64),
}

/// How a built-in gate is made of playground gates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Build {
    /// A playground gate on the operands in order, with the parameters as given.
    Kind(GateKind),
    /// A single-qubit playground gate on the last operand, controlled by the others.
    Controlled(GateKind),
    /// U3 with θ = π/2 (`u2(φ, λ)`).
    U2,
    /// `cu(θ, φ, λ, γ)`: PhaseShift(γ) on the control, then controlled U3(θ, φ, λ).
    Cu,
    /// Does nothing (`id`, `u0`).
    Identity,
    /// The relative-phase Toffoli (Margolus gate), 9 gates.
    Rccx,
    /// The relative-phase 3-controlled X, 18 gates.
    Rc3x,
    /// A global phase e^{iφ} on no qubits.
    GPhase,
}

/// A gate the file may call without a definition.
#[derive(Clone, Copy, Debug)]
pub(super) struct LibGate {
    /// Its name in the file.
    pub name: &'static str,
    /// How many angles it takes.
    pub n_params: usize,
    /// How many qubits it acts on.
    pub n_qubits: usize,
    /// How it is built.
    pub build: Build,
}

const fn g(name: &'static str, n_params: usize, n_qubits: usize, build: Build) -> LibGate {
    LibGate {
        name,
        n_params,
        n_qubits,
        build,
    }
}

/// OpenQASM 2: the built-in `U` and `CX` and every gate of Qiskit's `qelib1.inc`.
pub(super) const QELIB1: &[LibGate] = {
    use Build::*;
    use GateKind::*;
    &[
        g("U", 3, 1, Kind(U3)),
        g("CX", 0, 2, Kind(CNOT)),
        g("u", 3, 1, Kind(U3)),
        g("u3", 3, 1, Kind(U3)),
        g("u2", 2, 1, U2),
        g("u1", 1, 1, Kind(PhaseShift)),
        g("p", 1, 1, Kind(PhaseShift)),
        g("u0", 1, 1, Identity),
        g("id", 0, 1, Identity),
        g("x", 0, 1, Kind(X)),
        g("y", 0, 1, Kind(Y)),
        g("z", 0, 1, Kind(Z)),
        g("h", 0, 1, Kind(H)),
        g("s", 0, 1, Kind(S)),
        g("sdg", 0, 1, Kind(Sdg)),
        g("t", 0, 1, Kind(T)),
        g("tdg", 0, 1, Kind(Tdg)),
        g("sx", 0, 1, Kind(SX)),
        g("sxdg", 0, 1, Kind(SXdg)),
        g("rx", 1, 1, Kind(RX)),
        g("ry", 1, 1, Kind(RY)),
        g("rz", 1, 1, Kind(RZ)),
        g("cx", 0, 2, Kind(CNOT)),
        g("cy", 0, 2, Kind(CY)),
        g("cz", 0, 2, Kind(CZ)),
        g("ch", 0, 2, Controlled(H)),
        g("csx", 0, 2, Controlled(SX)),
        g("swap", 0, 2, Kind(SWAP)),
        g("crx", 1, 2, Kind(CRX)),
        g("cry", 1, 2, Kind(CRY)),
        g("crz", 1, 2, Kind(CRZ)),
        g("cu1", 1, 2, Kind(ControlledPhaseShift)),
        g("cp", 1, 2, Kind(ControlledPhaseShift)),
        g("cu3", 3, 2, Controlled(U3)),
        g("cu", 4, 2, Cu),
        g("rxx", 1, 2, Kind(IsingXX)),
        g("rzz", 1, 2, Kind(IsingZZ)),
        g("ccx", 0, 3, Kind(Toffoli)),
        g("cswap", 0, 3, Kind(CSWAP)),
        g("rccx", 0, 3, Rccx),
        g("rc3x", 0, 4, Rc3x),
        g("c3x", 0, 4, Controlled(X)),
        g("c3sqrtx", 0, 4, Controlled(SX)),
        g("c4x", 0, 5, Controlled(X)),
    ]
};

/// OpenQASM 3: the built-in `U` and `gphase` and every gate of `stdgates.inc`.
pub(super) const STDGATES: &[LibGate] = {
    use Build::*;
    use GateKind::*;
    &[
        g("U", 3, 1, Kind(U3)),
        g("gphase", 1, 0, GPhase),
        g("p", 1, 1, Kind(PhaseShift)),
        g("phase", 1, 1, Kind(PhaseShift)),
        g("x", 0, 1, Kind(X)),
        g("y", 0, 1, Kind(Y)),
        g("z", 0, 1, Kind(Z)),
        g("h", 0, 1, Kind(H)),
        g("s", 0, 1, Kind(S)),
        g("sdg", 0, 1, Kind(Sdg)),
        g("t", 0, 1, Kind(T)),
        g("tdg", 0, 1, Kind(Tdg)),
        g("sx", 0, 1, Kind(SX)),
        g("rx", 1, 1, Kind(RX)),
        g("ry", 1, 1, Kind(RY)),
        g("rz", 1, 1, Kind(RZ)),
        g("cx", 0, 2, Kind(CNOT)),
        g("CX", 0, 2, Kind(CNOT)),
        g("cy", 0, 2, Kind(CY)),
        g("cz", 0, 2, Kind(CZ)),
        g("cp", 1, 2, Kind(ControlledPhaseShift)),
        g("cphase", 1, 2, Kind(ControlledPhaseShift)),
        g("crx", 1, 2, Kind(CRX)),
        g("cry", 1, 2, Kind(CRY)),
        g("crz", 1, 2, Kind(CRZ)),
        g("ch", 0, 2, Controlled(H)),
        g("swap", 0, 2, Kind(SWAP)),
        g("ccx", 0, 3, Kind(Toffoli)),
        g("cswap", 0, 3, Kind(CSWAP)),
        g("cu", 4, 2, Cu),
        g("id", 0, 1, Identity),
        g("u1", 1, 1, Kind(PhaseShift)),
        g("u2", 2, 1, U2),
        g("u3", 3, 1, Kind(U3)),
    ]
};

fn op(kind: GateKind, wires: &[usize], params: &[f64]) -> Result<Prim, SimError> {
    Op::new(kind, wires, params).map(Prim::Op)
}

/// The playground gates of built-in gate `b` with angles `p` on the operands `w` (counts
/// already checked).
pub(super) fn build(b: Build, p: &[f64], w: &[usize]) -> Result<Vec<Prim>, SimError> {
    use GateKind::*;
    let half_pi = std::f64::consts::FRAC_PI_2;
    Ok(match b {
        Build::Kind(k) => vec![op(k, w, p)?],
        Build::Controlled(k) => match w.split_last() {
            Some((&t, c)) => vec![Prim::Op(Op::new(k, &[t], p)?.controlled(c)?)],
            None => vec![],
        },
        Build::U2 => vec![op(U3, w, &[half_pi, p[0], p[1]])?],
        Build::Cu => vec![
            op(PhaseShift, &w[..1], &p[3..4])?,
            Prim::Op(Op::new(U3, &w[1..2], &p[..3])?.controlled(&w[..1])?),
        ],
        Build::Identity => vec![],
        Build::GPhase => vec![Prim::Phase(p[0])],
        Build::Rccx => {
            let (a, b, c) = (w[0], w[1], w[2]);
            let mut v = Vec::with_capacity(9);
            for (k, ws) in [
                (H, vec![c]),
                (T, vec![c]),
                (CNOT, vec![b, c]),
                (Tdg, vec![c]),
                (CNOT, vec![a, c]),
                (T, vec![c]),
                (CNOT, vec![b, c]),
                (Tdg, vec![c]),
                (H, vec![c]),
            ] {
                v.push(op(k, &ws, &[])?);
            }
            v
        }
        Build::Rc3x => {
            let (a, b, c, d) = (w[0], w[1], w[2], w[3]);
            let mut v = Vec::with_capacity(18);
            for (k, ws) in [
                (H, vec![d]),
                (T, vec![d]),
                (CNOT, vec![c, d]),
                (Tdg, vec![d]),
                (H, vec![d]),
                (CNOT, vec![a, d]),
                (T, vec![d]),
                (CNOT, vec![b, d]),
                (Tdg, vec![d]),
                (CNOT, vec![a, d]),
                (T, vec![d]),
                (CNOT, vec![b, d]),
                (Tdg, vec![d]),
                (H, vec![d]),
                (T, vec![d]),
                (CNOT, vec![c, d]),
                (Tdg, vec![d]),
                (H, vec![d]),
            ] {
                v.push(op(k, &ws, &[])?);
            }
            v
        }
    })
}

/// The inverse of a gate list: reversed, each gate inverted exactly.
pub(super) fn inverse(prims: Vec<Prim>) -> Vec<Prim> {
    prims
        .into_iter()
        .rev()
        .map(|p| match p {
            Prim::Op(o) => Prim::Op(o.inverse()),
            Prim::Phase(a) => Prim::Phase(-a),
        })
        .collect()
}

/// A single-qubit gate on `t` with the given controls.
fn single(kind: GateKind, t: usize, p: [f64; 3], controls: &[usize]) -> Result<Op, SimError> {
    Op::new(kind, &[t], &p[..kind.n_params()])?.controlled(controls)
}

/// Appends the gates of `prim` controlled by the wires `c` (all |1⟩ for it to act), exactly:
/// a controlled two-qubit gate becomes its single-qubit gate with one more control, a swap
/// a Fredkin (or CNOT-conjugated multi-controlled X), an Ising gate CNOT-conjugated
/// controlled RZ, a global phase a phase shift on the controls.
pub(super) fn controlled(prim: &Prim, c: &[usize], out: &mut Vec<Prim>) -> Result<(), SimError> {
    use GateKind::*;
    let Some((&last, rest)) = c.split_last() else {
        out.push(prim.clone());
        return Ok(());
    };
    let o = match prim {
        Prim::Phase(a) => {
            out.push(Prim::Op(single(PhaseShift, last, [*a, 0.0, 0.0], rest)?));
            return Ok(());
        }
        Prim::Op(o) => o,
    };
    let w = &o.wires;
    let p = o.params;
    let with = |extra: &[usize]| [c, extra].concat();
    let mut push = |op: Op| out.push(Prim::Op(op));
    match o.kind {
        k if k.is_single_qubit() => push(single(k, w[0], p, &with(&o.controls))?),
        CNOT => push(single(X, w[1], p, &with(&w[..1]))?),
        CY => push(single(Y, w[1], p, &with(&w[..1]))?),
        CZ => push(single(Z, w[1], p, &with(&w[..1]))?),
        CRX => push(single(RX, w[1], p, &with(&w[..1]))?),
        CRY => push(single(RY, w[1], p, &with(&w[..1]))?),
        CRZ => push(single(RZ, w[1], p, &with(&w[..1]))?),
        ControlledPhaseShift => push(single(PhaseShift, w[1], p, &with(&w[..1]))?),
        Toffoli => push(single(X, w[2], p, &with(&w[..2]))?),
        SWAP if c.len() == 1 => push(Op::new(CSWAP, &[c[0], w[0], w[1]], &[])?),
        SWAP => {
            // SWAP = CX(b→a)·CX(a→b)·CX(b→a); the outer two cancel when the controls are off.
            push(Op::new(CNOT, &[w[1], w[0]], &[])?);
            push(single(X, w[1], p, &with(&w[..1]))?);
            push(Op::new(CNOT, &[w[1], w[0]], &[])?);
        }
        CSWAP => {
            push(Op::new(CNOT, &[w[2], w[1]], &[])?);
            push(single(X, w[2], p, &with(&w[..2]))?);
            push(Op::new(CNOT, &[w[2], w[1]], &[])?);
        }
        IsingZZ => {
            // exp(−iφ/2 Z⊗Z) = CX·(I⊗RZ(φ))·CX.
            push(Op::new(CNOT, &[w[0], w[1]], &[])?);
            push(single(RZ, w[1], p, c)?);
            push(Op::new(CNOT, &[w[0], w[1]], &[])?);
        }
        IsingXX => {
            // exp(−iφ/2 X⊗X) = (H⊗H)·exp(−iφ/2 Z⊗Z)·(H⊗H).
            push(Op::new(H, &[w[0]], &[])?);
            push(Op::new(H, &[w[1]], &[])?);
            push(Op::new(CNOT, &[w[0], w[1]], &[])?);
            push(single(RZ, w[1], p, c)?);
            push(Op::new(CNOT, &[w[0], w[1]], &[])?);
            push(Op::new(H, &[w[0]], &[])?);
            push(Op::new(H, &[w[1]], &[])?);
        }
        // Single-qubit kinds are handled above; every multi-wire kind has an arm.
        _ => push(o.clone().controlled(c)?),
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sim::{State, C64};

    /// The full matrix of a gate list on `n` wires (column j = the list applied to |j⟩),
    /// with the global phase.
    fn matrix(n: usize, prims: &[Prim]) -> Vec<Vec<C64>> {
        (0..1usize << n)
            .map(|j| {
                let mut amps = vec![C64::new(0.0, 0.0); 1 << n];
                amps[j] = C64::new(1.0, 0.0);
                let mut s = State::from_amplitudes(amps).unwrap();
                let mut phase = C64::new(1.0, 0.0);
                for p in prims {
                    match p {
                        Prim::Op(o) => s.try_apply(o).unwrap(),
                        Prim::Phase(a) => phase *= C64::from_polar(1.0, *a),
                    }
                }
                s.amplitudes().iter().map(|a| a * phase).collect()
            })
            .collect()
    }

    fn max_diff(a: &[Vec<C64>], b: &[Vec<C64>]) -> f64 {
        a.iter()
            .flatten()
            .zip(b.iter().flatten())
            .map(|(x, y)| (x - y).norm())
            .fold(0.0, f64::max)
    }

    fn identity(n: usize) -> Vec<Vec<C64>> {
        (0..1usize << n)
            .map(|j| {
                (0..1usize << n)
                    .map(|i| C64::new(if i == j { 1.0 } else { 0.0 }, 0.0))
                    .collect()
            })
            .collect()
    }

    /// `controlled(g, c)` equals |1…1⟩⟨1…1| ⊗ g + (I − |1…1⟩⟨1…1|) ⊗ I, global phase
    /// included, with the controls on the top wires 0 (and 1).
    #[test]
    fn controlled_versions_are_exact_for_every_kind_and_a_phase() {
        let n = 5;
        let mut cases: Vec<Prim> = GateKind::all()
            .iter()
            .map(|&k| {
                let wires: Vec<usize> = (2..2 + k.n_wires()).rev().collect();
                Prim::Op(Op::new(k, &wires, &[0.37, -1.21, 2.9][..k.n_params()]).unwrap())
            })
            .collect();
        cases.push(Prim::Op(
            Op::new(GateKind::RY, &[4], &[0.8])
                .unwrap()
                .controlled(&[2])
                .unwrap(),
        ));
        cases.push(Prim::Phase(0.61));
        for controls in [vec![0], vec![0, 1], vec![1, 0]] {
            let on_from = if controls.len() == 1 { 16 } else { 24 };
            for g in &cases {
                let inner = matrix(n, std::slice::from_ref(g));
                let mut ctl = Vec::new();
                controlled(g, &controls, &mut ctl).unwrap();
                let got = matrix(n, &ctl);
                let mut want = identity(n);
                // Inputs with every control |1⟩ (wire 0 is bit 4, wire 1 bit 3) see g.
                want[on_from..].clone_from_slice(&inner[on_from..]);
                let d = max_diff(&got, &want);
                assert!(d < 1e-14, "{g:?} controlled by {controls:?}: {d}");
            }
        }
        // SWAP under two controls takes the CNOT-conjugated form, a single control a Fredkin.
        let swap = Prim::Op(Op::new(GateKind::SWAP, &[2, 3], &[]).unwrap());
        let mut two = Vec::new();
        controlled(&swap, &[0, 1], &mut two).unwrap();
        assert_eq!(two.len(), 3);
        let mut one = Vec::new();
        controlled(&swap, &[0], &mut one).unwrap();
        assert!(matches!(&one[..], [Prim::Op(o)] if o.kind == GateKind::CSWAP));
    }

    #[test]
    fn inverses_undo_exactly() {
        let mut prims = vec![Prim::Phase(0.3)];
        for &k in GateKind::all() {
            let wires: Vec<usize> = (0..k.n_wires()).collect();
            prims.push(Prim::Op(
                Op::new(k, &wires, &[0.37, -1.21, 2.9][..k.n_params()]).unwrap(),
            ));
        }
        prims.extend(build(Build::Rc3x, &[], &[0, 1, 2, 3]).unwrap());
        let mut both = prims.clone();
        both.extend(inverse(prims));
        let m = matrix(4, &both);
        let d = max_diff(&m, &identity(4));
        assert!(d < 1e-13, "{d}");
    }

    #[test]
    fn every_library_gate_builds_with_its_counts() {
        for lib in [QELIB1, STDGATES] {
            for gate in lib {
                let p = vec![0.3; gate.n_params];
                let w: Vec<usize> = (0..gate.n_qubits).collect();
                let prims =
                    build(gate.build, &p, &w).unwrap_or_else(|e| panic!("{}: {e}", gate.name));
                let n = gate.n_qubits.max(1);
                let m = matrix(n, &prims);
                // Unitary: columns stay normalised.
                for col in &m {
                    let norm: f64 = col.iter().map(|z| z.norm_sqr()).sum();
                    assert!((norm - 1.0).abs() < 1e-13, "{}", gate.name);
                }
            }
        }
    }
}
