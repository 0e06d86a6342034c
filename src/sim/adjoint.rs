//! Adjoint-method gradient of ⟨O⟩ with respect to every gate parameter.

use super::{Observable, Op, SimError, State};

/// ⟨0|U†OU|0⟩ and its gradient with respect to every parameter of every op, in order.
///
/// Multi-parameter ops are split with [`Op::decompose`]; each primitive's derivative comes from
/// its generator ([`Op::generator`]): with U(θ) = exp(−icθG), ∂⟨O⟩/∂θ = 2c·Im⟨λ|G|φ⟩ where φ is
/// the state just after the gate and λ = (later gates)† O |ψ⟩. Memory: three states.
///
/// ```
/// use qmlp::sim::{adjoint_gradient, GateKind, Observable, Op};
/// let ops = [Op::new(GateKind::RX, &[0], &[0.3])?];
/// let (e, g) = adjoint_gradient(1, &ops, &Observable::Pauli("Z0".parse()?))?;
/// assert!((e - 0.3f64.cos()).abs() < 1e-12 && (g[0] + 0.3f64.sin()).abs() < 1e-12);
/// # Ok::<(), qmlp::sim::SimError>(())
/// ```
pub fn adjoint_gradient(
    n: usize,
    ops: &[Op],
    obs: &Observable,
) -> Result<(f64, Vec<f64>), SimError> {
    for (k, op) in ops.iter().enumerate() {
        op.validate(n)
            .map_err(|e| SimError::new(format!("gate {} ({}): {e}", k + 1, op.kind.name())))?;
    }
    obs.validate(n)?;
    // Primitives with the global index of their parameter.
    let mut prims: Vec<(Op, Option<usize>)> = Vec::with_capacity(ops.len());
    let mut offset = 0;
    for op in ops {
        for (p, local) in op.decompose() {
            prims.push((p, local.map(|l| offset + l)));
        }
        offset += op.kind.n_params();
    }
    let mut phi = State::new(n)?;
    for (p, _) in &prims {
        phi.apply(p);
    }
    let value = phi.expval(obs);
    let mut lambda = State::new(n)?;
    phi.apply_observable(obs, &mut lambda);
    let mut mu = State::new(n)?;
    let mut grad = vec![0.0; offset];
    for (p, idx) in prims.iter().rev() {
        if let (Some(i), Some(c)) = (idx, p.generator()) {
            mu.copy_from(&phi);
            mu.apply_generator(p);
            grad[*i] += 2.0 * c * lambda.inner(&mu).im;
        }
        phi.apply_inverse(p);
        lambda.apply_inverse(p);
    }
    Ok((value, grad))
}
