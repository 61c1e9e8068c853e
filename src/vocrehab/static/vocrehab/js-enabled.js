// Loaded synchronously at the top of <body>: NHS.UK styles for scripted components
// key off these classes, so setting them before first paint avoids a flash.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("nhsuk-frontend-supported");
}
