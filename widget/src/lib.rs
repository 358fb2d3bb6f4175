//! `loyalty-widget`: the checkout widget, compiled to wasm32 and mounted by `www/embed.js`
//! into a Shadow DOM so the host page's CSS cannot reach it and its CSS cannot leak out.

pub mod api;
pub mod app;
pub mod context;
pub mod effects;
pub mod host;
pub mod i18n;
pub mod state;
pub mod view;
pub mod wire;

use app::{App, AppProps};
use loyalty_shared::api::WidgetConfig;
use wasm_bindgen::prelude::*;

/// Talc instead of the default dlmalloc: about 2 KB gzip less for every shopper, and no
/// slower. SAFETY: the widget runs on the page's one thread (no wasm threads).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };

/// `style.css` as `build.rs` minified it.
const STYLE: &str = include_str!(concat!(env!("OUT_DIR"), "/style.min.css"));

/// Adds the widget's stylesheet to the shadow root as a constructed sheet, so a host page
/// whose Content-Security-Policy forbids inline styles still renders it; a browser without
/// constructable stylesheets gets a `<style>` element.
fn adopt_style(root: &web_sys::ShadowRoot, document: &web_sys::Document) -> Result<(), JsValue> {
    let adopted = js_sys::Reflect::get(root, &JsValue::from_str("adoptedStyleSheets"))?;
    if let (Ok(sheet), true) = (web_sys::CssStyleSheet::new(), adopted.is_object()) {
        sheet.replace_sync(STYLE)?;
        let sheets = root.adopted_style_sheets();
        sheets.push(&sheet);
        root.set_adopted_style_sheets(&sheets);
        return Ok(());
    }
    let style = document.create_element("style")?;
    style.set_text_content(Some(STYLE));
    root.append_child(&style)?;
    Ok(())
}

/// Mounts the widget into `root` (a shadow root the loader created) with the host page's
/// configuration as JSON. Errors are returned to the loader, which reports them on the
/// console and in a DOM event, and never break the host page.
#[wasm_bindgen]
pub fn mount(root: web_sys::ShadowRoot, config_json: &str) -> Result<(), JsValue> {
    let config: WidgetConfig = js_sys::JSON::parse(config_json)
        .ok()
        .and_then(wire::from_js)
        .ok_or_else(|| JsValue::from_str("loyalty widget: bad configuration"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("loyalty widget: no document"))?;
    adopt_style(&root, &document)?;
    let host = document.create_element("div")?;
    host.set_class_name("lc-root");
    root.append_child(&host)?;
    let props = AppProps {
        config,
        host: Some(root.host()),
    };
    yew::Renderer::<App>::with_root_and_props(host, props).render();
    Ok(())
}
