//! Sharing a batch across workers (see [`crate::train::shard`]): the training worker plans the
//! batch, hands shards to helper workers holding the same document, computes its own, and
//! finishes the batch with every shard's result — the same arithmetic as one worker, so the
//! same weights to the last bit. Gradients travel as `Float64Array`s.

use js_sys::{Array, Float64Array, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;

use super::{fail, to_js, Playground, Res};
use crate::train::ShardResult;

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

#[wasm_bindgen]
impl Playground {
    /// The next batch split into shards, when sharing it with other workers pays (or, with
    /// `always`, whenever it has more than one shard): `{params: Float64Array, shards:
    /// Uint32Array[] (training point indices), keys: number[]}`; `null` when the batch is too
    /// small or cheap to share, or the step cannot be shared (L-BFGS, shots, finished or
    /// stopped): then [`Playground::step`] trains on as usual, with the same results.
    #[wasm_bindgen(js_name = planBatch)]
    pub fn plan_batch(&mut self, always: Option<bool>) -> JsValue {
        let always = always.unwrap_or(false);
        let plan = self.trainer.plan_batch();
        let Some(plan) = plan.filter(|p| p.worth_sharing() || (always && p.shards.len() > 1))
        else {
            return JsValue::NULL;
        };
        let o = Object::new();
        set(&o, "params", &Float64Array::from(&plan.params[..]).into());
        let shards = Array::new();
        for s in &plan.shards {
            let idx: Vec<u32> = s.iter().map(|&i| i as u32).collect();
            shards.push(&Uint32Array::from(&idx[..]));
        }
        set(&o, "shards", &shards);
        let keys = Array::new();
        for &k in &plan.keys {
            keys.push(&JsValue::from_f64(k as f64));
        }
        set(&o, "keys", &keys);
        o.into()
    }

    /// One shard of a planned batch (on any playground holding the same document): `{loss,
    /// grad: Float64Array, key}` — the summed loss and gradient of training points `points` at
    /// the trainable numbers `params`. Throws for weights or points this document does not have.
    #[wasm_bindgen(js_name = computeShard)]
    pub fn compute_shard(&mut self, params: Vec<f64>, points: Vec<u32>) -> Res<JsValue> {
        let idx: Vec<usize> = points.iter().map(|&i| i as usize).collect();
        let r = self.trainer.compute_shard(&params, &idx).map_err(fail)?;
        let o = Object::new();
        set(&o, "loss", &JsValue::from_f64(r.loss));
        set(&o, "grad", &Float64Array::from(&r.grad[..]).into());
        set(&o, "key", &JsValue::from_f64(r.key as f64));
        Ok(o.into())
    }

    /// Finishes the planned batch with every shard's result, in shard order: `losses[i]`,
    /// `keys[i]` and the `i`-th run of `n_params` numbers in `grads` (all the gradients one after
    /// another). Trains on exactly as [`Playground::step`] would after that batch and returns its
    /// `{epoch, epochs, finished, samples, error}`; throws, changing nothing, for results that do
    /// not match the plan.
    #[wasm_bindgen(js_name = finishBatch)]
    pub fn finish_batch(
        &mut self,
        losses: Vec<f64>,
        grads: Vec<f64>,
        keys: Vec<f64>,
    ) -> Res<JsValue> {
        let n = self.trainer.n_params();
        if losses.len() != keys.len() || grads.len() != n * losses.len() {
            return Err(fail(format!(
                "{} losses, {} keys and {} gradient numbers do not make shards of {n} numbers",
                losses.len(),
                keys.len(),
                grads.len()
            )));
        }
        let mut results = Vec::with_capacity(losses.len());
        for (i, (&loss, &key)) in losses.iter().zip(&keys).enumerate() {
            if !(key >= 0.0 && key.fract() == 0.0 && key <= crate::train::shard::KEY_MASK as f64) {
                return Err(fail(format!(
                    "shard {}'s key {key} is not a shard key",
                    i + 1
                )));
            }
            results.push(ShardResult {
                loss,
                grad: grads[i * n..(i + 1) * n].to_vec(),
                key: key as u64,
            });
        }
        let status = self.trainer.finish_batch(&results).map_err(fail)?;
        self.trainer.evaluate_test();
        self.version += 1;
        to_js(&status)
    }
}
