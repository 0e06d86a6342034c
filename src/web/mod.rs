//! The WebAssembly facade: the only module that touches wasm-bindgen, js-sys, web-sys,
//! serde-wasm-bindgen and plotters-canvas. Thin wrappers over the core: every exported
//! function turns the core's typed error into a JS `Error` the page can show, and a panic
//! hook installed at start-up reports any panic to the page instead of leaving it dead.

use wasm_bindgen::prelude::*;

/// Installs the panic hook; runs once when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("internal error in the engine: {info}");
        web_sys::console::error_1(&JsValue::from_str(&msg));
        let global = js_sys::global();
        if let Ok(f) = js_sys::Reflect::get(&global, &JsValue::from_str("__qmlpOnPanic")) {
            if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&msg));
            }
        }
    }));
}

/// The engine's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::version().to_string()
}
