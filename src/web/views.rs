//! Views computed by another engine: the page's training worker computes the decision grid
//! and the confusion matrix of the weights it trains (`viewData`), and the page's Playground,
//! which draws, takes them (`installView`) instead of computing them on the page's thread.
//! While the worker trains, the page shows the newest views it sent even though the page has
//! absorbed newer weights since (`setStaleViews`); otherwise a view is used only for the
//! weights it was computed at.

use js_sys::{Float64Array, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;

use super::{fail, Playground, Res};
use crate::train::Plane;
use crate::view;

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

fn count(v: &JsValue, what: &str) -> Res<usize> {
    match v.as_f64() {
        Some(x) if x >= 0.0 && x.fract() == 0.0 && x <= 1e6 => Ok(x as usize),
        _ => Err(fail(format!("a view's {what} must be a whole number"))),
    }
}

#[wasm_bindgen]
impl Playground {
    /// The decision grid (`gridN` cells per side, over the current plane) and the confusion
    /// matrix of the current weights, for another Playground holding the same document:
    /// `{gridN, axes: [h, v], preprocessed, values: Float64Array, classes: Uint32Array | null,
    /// confusionTest, confusion: Uint32Array}` (the test split's confusion, or the training
    /// split's when there is no test split).
    #[wasm_bindgen(js_name = viewData)]
    pub fn view_data(&mut self, grid_n: u32) -> Res<JsValue> {
        let n = (grid_n as usize).clamp(4, 128);
        let plane = self.trainer.valid_plane(self.plane);
        let v = view::boundary_view_on(&mut self.trainer, n, plane);
        self.view_object(n, plane, &v.values, v.classes.as_deref())
    }

    /// Rows `from..to` of the decision grid of [`Playground::view_data`] at `grid_n` cells per
    /// side over the current plane: `{values: Float64Array, classes: Uint32Array | null}`,
    /// row-major — a share of a view computed by a helper holding the same document.
    #[wasm_bindgen(js_name = gridRows)]
    pub fn grid_rows(&mut self, grid_n: u32, from: u32, to: u32) -> Res<JsValue> {
        let n = (grid_n as usize).clamp(4, 128);
        let rows = (from as usize).min(n)..(to as usize).clamp(from as usize, n);
        let plane = self.trainer.valid_plane(self.plane);
        let preds = self.trainer.grid_rows_on(n, plane, rows);
        let values: Vec<f64> = preds.iter().map(|p| p.confidence).collect();
        let o = Object::new();
        set(&o, "values", &Float64Array::from(&values[..]));
        let classes = if self.trainer.dataset().n_classes > 2 {
            let c: Vec<u32> = preds.iter().map(|p| p.class as u32).collect();
            Uint32Array::from(&c[..]).into()
        } else {
            JsValue::NULL
        };
        set(&o, "classes", &classes);
        Ok(o.into())
    }

    /// [`Playground::view_data`] with the grid's `values` (and, for more than two classes,
    /// `classes`) computed elsewhere — its rows by helpers ([`Playground::grid_rows`]) — and
    /// the confusion matrix computed here. Throws on a grid that does not fit.
    #[wasm_bindgen(js_name = viewDataWith)]
    pub fn view_data_with(
        &mut self,
        grid_n: u32,
        values: Vec<f64>,
        classes: Option<Vec<u32>>,
    ) -> Res<JsValue> {
        let n = (grid_n as usize).clamp(4, 128);
        let plane = self.trainer.valid_plane(self.plane);
        let classes: Option<Vec<usize>> = classes.map(|c| c.iter().map(|&c| c as usize).collect());
        // The checks of a view the page installs.
        let v = view::boundary_view_from(&self.trainer, n, plane, values, classes).map_err(fail)?;
        self.view_object(n, plane, &v.values, v.classes.as_deref())
    }
}

impl Playground {
    fn view_object(
        &mut self,
        n: usize,
        plane: Plane,
        values: &[f64],
        classes: Option<&[usize]>,
    ) -> Res<JsValue> {
        let test = !self.trainer.dataset().test.is_empty();
        let confusion: Vec<u32> = self
            .trainer
            .confusion(test)
            .iter()
            .map(|&c| c as u32)
            .collect();
        let o = Object::new();
        set(&o, "gridN", &JsValue::from(n as u32));
        let axes = js_sys::Array::of2(
            &JsValue::from(plane.axes[0] as u32),
            &JsValue::from(plane.axes[1] as u32),
        );
        set(&o, "axes", &axes);
        set(&o, "preprocessed", &JsValue::from(plane.preprocessed));
        set(&o, "values", &Float64Array::from(values));
        let classes = classes.map_or(JsValue::NULL, |c| {
            let c: Vec<u32> = c.iter().map(|&c| c as u32).collect();
            Uint32Array::from(&c[..]).into()
        });
        set(&o, "classes", &classes);
        set(&o, "confusionTest", &JsValue::from(test));
        set(&o, "confusion", &Uint32Array::from(&confusion[..]));
        Ok(o.into())
    }
}

#[wasm_bindgen]
impl Playground {
    /// Takes a view another Playground computed (see [`Playground::view_data`]) as this one's
    /// boundary and confusion matrix at its current weights. Throws, changing nothing, on a
    /// view that does not fit this document (its grid, plane, classes or confusion matrix).
    #[wasm_bindgen(js_name = installView)]
    pub fn install_view(&mut self, data: JsValue) -> Res<()> {
        let n = count(&get(&data, "gridN"), "gridN")?;
        let axes = get(&data, "axes");
        let axis = |i: u32| count(&Reflect::get_u32(&axes, i).unwrap_or_default(), "axes");
        let plane = Plane {
            axes: [axis(0)?, axis(1)?],
            preprocessed: get(&data, "preprocessed").as_bool() == Some(true),
        };
        let values = get(&data, "values")
            .dyn_into::<Float64Array>()
            .map_err(|_| fail("a view's values must be a Float64Array"))?
            .to_vec();
        let classes = get(&data, "classes");
        let classes = if classes.is_null() || classes.is_undefined() {
            None
        } else {
            let c = classes
                .dyn_into::<Uint32Array>()
                .map_err(|_| fail("a view's classes must be a Uint32Array"))?;
            Some(c.to_vec().into_iter().map(|c| c as usize).collect())
        };
        let view = view::boundary_view_from(&self.trainer, n, plane, values, classes)
            .map_err(|e| fail(format!("the view does not fit: {e}")))?;
        let test = get(&data, "confusionTest").as_bool() == Some(true);
        let counts: Vec<usize> = get(&data, "confusion")
            .dyn_into::<Uint32Array>()
            .map_err(|_| fail("a view's confusion must be a Uint32Array"))?
            .to_vec()
            .into_iter()
            .map(|c| c as usize)
            .collect();
        let k = self.trainer.dataset().n_classes;
        if counts.len() != k * k {
            return Err(fail(format!(
                "the view's confusion matrix has {} counts, not {k} × {k}",
                counts.len()
            )));
        }
        self.boundary = Some((self.version, n, plane, true, view));
        self.confusion_cache = Some((self.version, test, counts));
        Ok(())
    }

    /// While on (the page's worker trains), the boundary and the confusion matrix drawn are the
    /// last ones computed or installed, even for older weights, so the page's thread does not
    /// compute them; off, they follow the current weights again.
    #[wasm_bindgen(js_name = setStaleViews)]
    pub fn set_stale_views(&mut self, on: bool) {
        self.stale_views = on;
    }

    /// A number that changes whenever the weights or the document change: a view installed
    /// now is for this version.
    #[wasm_bindgen(js_name = viewVersion)]
    pub fn view_version(&self) -> f64 {
        self.version as f64
    }
}
