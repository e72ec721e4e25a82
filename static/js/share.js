// Progressive enhancement for the share section: "Copy link" and "Print" appear only
// where the browser can do them; the result is announced through the share section's
// status region. No third-party code, no tracking.
(function () {
  "use strict";
  var status = document.getElementById("share-status");
  function announce(text) {
    if (!status) return;
    status.textContent = "";
    // A fresh text node is announced even when the same words are repeated.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }
  document.querySelectorAll("[data-copy-link]").forEach(function (button) {
    if (!(navigator.clipboard && window.isSecureContext)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy-link")).then(
        function () { announce(button.getAttribute("data-copied")); },
        function () { announce(button.getAttribute("data-copy-failed")); }
      );
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    if (typeof window.print !== "function") return;
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
