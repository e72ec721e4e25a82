// List pages (news, topic, partner, search) as htmx updates them: what a screen reader is
// told, where focus goes, and the rest of the page kept in step with the list.
//
// - A filter, order or search change keeps focus on the control the reader used; the live
//   region says the server's sentence ("12 artiklar om Vatten och hav"), with the new order
//   when the order was what changed.
// - A link that changes the list (a filter's remove link, "Clear all filters", a page,
//   "Did you mean") swaps the results in place and focuses the results heading, which says
//   the same sentence; the live region stays quiet then, so nothing is said twice. The form
//   and the header's search box follow the new address.
// - Back and Forward: htmx fetches the whole page again. Focus goes back to the control
//   that had it (and the live region says the sentence once), or else to the results
//   heading; the title comes with the page.
// Without JavaScript none of this runs: the links load the page at the results heading.
(function () {
  "use strict";
  var linkUpdate = false;
  var restoring = null; // {focusId} while htmx restores a history entry
  var lastSort = sortValue();

  function byId(id) {
    return document.getElementById(id);
  }

  function sortValue() {
    var select = byId("f-sort");
    return select ? select.value : "";
  }

  // "Ordning: Äldst först", from the form's own label and option, in the page's language.
  function orderText() {
    var select = byId("f-sort");
    var label = document.querySelector('label[for="f-sort"]');
    if (!select || !label || select.selectedIndex < 0) return "";
    return label.textContent.trim() + ": " + select.options[select.selectedIndex].textContent.trim();
  }

  function withOrder(sentence) {
    return sortValue() !== lastSort && orderText() ? sentence + ". " + orderText() : sentence;
  }

  function headingText() {
    var heading = byId("results-heading");
    return heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // The page's address decides the form after a link or a history step.
  function syncForm() {
    var form = byId("filters");
    if (!form) return;
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) return;
      if (field.type === "checkbox") {
        field.checked = params.getAll(field.name).indexOf(field.value) !== -1;
      } else if (field.tagName === "SELECT") {
        field.value = params.get(field.name) || "";
        if (field.selectedIndex < 0) field.selectedIndex = 0;
      } else if (field.type === "search") {
        field.value = params.get(field.name) || "";
      }
    });
  }

  // On search pages the header's search box says the query the results are for.
  function syncHeaderSearch() {
    var box = byId("site-search-q");
    if (box && byId("f-q")) box.value = new URLSearchParams(window.location.search).get("q") || "";
  }

  function announceLater(text) {
    var status = byId("results-status");
    if (!status) return;
    // The region has just been rendered with the page: give assistive technology a moment
    // to see it empty, or the change may not be announced.
    window.setTimeout(function () {
      status.textContent = text;
    }, 150);
  }

  function focusHeading() {
    var heading = byId("results-heading");
    if (heading) heading.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-list-links] a[href]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab
    if (!window.htmx || !byId("results")) return;
    event.preventDefault();
    linkUpdate = true;
    window.htmx.ajax("GET", link.getAttribute("href"), {
      source: link,
      target: "#results",
      swap: "outerHTML",
      push: "true",
    });
  });

  document.addEventListener("htmx:before:history:restore", function () {
    var active = document.activeElement;
    restoring = { focusId: active && active !== document.body ? active.id : "" };
    linkUpdate = false;
  });

  // The server sends the live region's sentence out of band; say the order too when it
  // changed, and nothing when focus will move to the heading that says it.
  document.addEventListener("htmx:before:swap", function (event) {
    var tasks = (event.detail && event.detail.tasks) || [];
    tasks.forEach(function (task) {
      if (task.type !== "oob" || !task.target || task.target.id !== "results-status") return;
      var incoming = task.fragment && task.fragment.firstElementChild;
      if (incoming) incoming.textContent = linkUpdate ? "" : withOrder(incoming.textContent.trim());
    });
  });

  document.addEventListener("htmx:after:swap", function () {
    if (restoring) {
      var target = restoring.focusId && restoring.focusId !== "results-heading" && byId(restoring.focusId);
      restoring = null;
      if (target) {
        target.focus();
        announceLater(withOrder(headingText()));
      } else {
        focusHeading();
      }
    } else if (linkUpdate) {
      syncForm();
      focusHeading();
    }
    syncHeaderSearch();
    linkUpdate = false;
    lastSort = sortValue();
  });
})();
