// Progressive enhancement for the share section: "Copy link" and "Print" appear only
// where the browser can do them; the result is announced through the share section's
// status region. No third-party code, no tracking.
(function () {
  "use strict";
  // The status region is in the page (and the accessibility tree) from the start; only its
  // text changes. A region that appears together with its message is often not read.
  var status = document.getElementById("share-status");
  function announce(text) {
    if (!status) return;
    // The same words again (a second copy) must still be a change: alternate a trailing
    // no-break space, which is not read.
    status.textContent = status.textContent === text ? text + "\u00a0" : text;
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
