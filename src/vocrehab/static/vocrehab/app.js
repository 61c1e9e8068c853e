// vocrehab behaviour. Loaded as a module (deferred). No inline handlers: the Content
// Security Policy forbids them, so behaviour is attached here by data attributes.

// Import NHS.UK frontend by the exact URL base.html loaded, so the module runs once
// even when static file names are hashed.
const nhsukScript = document.getElementById("nhsuk-frontend-script");

async function initNhsuk(scope) {
  if (!nhsukScript) return;
  const nhsuk = await import(nhsukScript.src);
  nhsuk.initAll(scope);
}

initNhsuk(document);

// Content swapped in by htmx gets the same NHS.UK behaviour (error summary focus,
// radios' conditional reveals, and so on).
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.target instanceof Element) {
    initNhsuk(event.target);
  }
});

// <button data-app-print> prints the page (return-to-work plans, letters).
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-app-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});

// <form data-app-confirm="Question?"> asks before submitting (discharge, delete).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.appConfirm) {
    if (!window.confirm(form.dataset.appConfirm)) {
      event.preventDefault();
    }
  }
});

// A select with data-app-autosubmit submits its form on change; the form keeps a
// visible submit button so it still works without JavaScript.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.dataset.appAutosubmit !== undefined) {
    select.form?.requestSubmit();
  }
});

// A busy database answers 503 "service is busy" and saves nothing. htmx then leaves the
// form as the person filled it in: show the server's message in it (or beside the link
// that was followed), so that they can send it again.
document.addEventListener("htmx:responseError", (event) => {
  const { xhr, elt } = event.detail;
  if (xhr.status !== 503 || !(elt instanceof Element)) return;
  // Parsed as an inert document: nothing in it runs.
  const parsed = new DOMParser().parseFromString(xhr.responseText, "text/html");
  const found = parsed.querySelector("[data-app-busy]");
  if (!found) return;
  const message = document.adoptNode(found);
  const form = elt.closest("form");
  (form ?? elt.parentElement)?.querySelector(":scope > [data-app-busy]")?.remove();
  if (form) {
    form.prepend(message);
  } else {
    elt.after(message);
  }
  message.focus();
});

// <button data-app-copy="element-id"> copies that element's value (a new API token).
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-app-copy]") : null;
  if (!target) return;
  const source = document.getElementById(target.dataset.appCopy);
  if (source && navigator.clipboard) {
    event.preventDefault();
    navigator.clipboard.writeText(source.value).then(() => {
      target.textContent = target.dataset.appCopied || target.textContent;
    });
  }
});
