// khuyencong — small behaviours shared by every page (no inline scripts: the CSP forbids them).
// Forms with data-confirm="…" ask before submitting (actions that change status or money).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A link with data-kc-tab="pane-…" (the fix of a blocked action) opens that tab of the page; so does a
// page opened with #pane-… in its address.
function kcShowTab(pane) {
  var button = document.querySelector('[data-bs-target="#' + pane + '"]');
  if (button && window.bootstrap) {
    window.bootstrap.Tab.getOrCreateInstance(button).show();
    button.scrollIntoView({ block: "start" });
  }
}
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-kc-tab]");
  if (link) {
    event.preventDefault();
    history.replaceState(null, "", "#" + link.getAttribute("data-kc-tab"));
    kcShowTab(link.getAttribute("data-kc-tab"));
  }
});
document.addEventListener("DOMContentLoaded", function () {
  if (location.hash.indexOf("#pane-") === 0) {
    kcShowTab(location.hash.slice(1));
  }
});

// On a phone a list's filter panel (aside.kc-filters) folds into a drawer above the results, saying how
// many filters are in use, and opens by itself when a field holds an error; from 992 px wide it is the
// side panel, always open.
document.addEventListener("DOMContentLoaded", function () {
  var wide = window.matchMedia("(min-width: 992px)");
  var label = document.body.getAttribute("data-kc-filters-label") || "Filters";
  var query = new URLSearchParams(location.search);
  var inUse = 0;
  query.forEach(function (value, key) {
    if (value && key !== "page" && key !== "sort") inUse += 1;
  });
  document.querySelectorAll("aside.kc-filters").forEach(function (aside) {
    var drawer = document.createElement("details");
    drawer.className = "kc-filter-drawer";
    drawer.setAttribute("data-testid", "filter-drawer");
    var summary = document.createElement("summary");
    summary.className = "btn btn-outline-secondary btn-sm w-100 mb-2";
    summary.textContent = label + (inUse ? " (" + inUse + ")" : "");
    drawer.appendChild(summary);
    while (aside.firstChild) drawer.appendChild(aside.firstChild);
    aside.appendChild(drawer);
    var invalid = !!aside.querySelector(".is-invalid");
    function fit() {
      drawer.open = wide.matches || invalid;
      summary.hidden = wide.matches;
    }
    fit();
    wide.addEventListener("change", fit);
  });
});
