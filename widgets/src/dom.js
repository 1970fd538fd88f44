/* Elements without innerHTML (every text is a text node: nothing from the API becomes markup), and
   shadow roots that carry the widget's stylesheet. */
(function (S) {
  "use strict";

  S.h = (tag, props, ...children) => {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value == null || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "class") el.className = value;
      else el.setAttribute(key, value === true ? "" : value);
    }
    el.append(...children.flat().filter((child) => child != null && child !== false));
    return el;
  };

  // A module the first load leaves out (account.js, ...), added once, from the bundle's own server.
  S.loading = {};
  S.lazy = (name = "account.js") => S.loading[name] || (S.loading[name] = new Promise((resolve, reject) => {
    const script = S.h("script", {src: new URL(S.more[name], S.script.src).href, async: true});
    script.onload = resolve;
    script.onerror = () => reject((S.loading[name] = null));
    document.head.append(script);
  }));

  // One constructed stylesheet shared by every shadow root (a storefront CSP that forbids inline
  // <style> does not apply to it); a <style> element where constructed sheets are missing.
  S.shadow = (host) => {
    const root = host.shadowRoot || host.attachShadow({mode: "open"});
    try {
      S.sheet = S.sheet || new CSSStyleSheet();
      if (!S.sheet.cssRules.length) S.sheet.replaceSync(S.css);
      root.adoptedStyleSheets = [S.sheet];
    } catch (error) {
      root.append(S.h("style", {}, S.css));
    }
    const box = S.h("div", {class: "w"});
    root.replaceChildren(...root.querySelectorAll("style"), box);
    return box;
  };
})(window.SetiaLoyalty);
