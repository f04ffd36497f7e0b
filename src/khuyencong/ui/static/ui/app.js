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
