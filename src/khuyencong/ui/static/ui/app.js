// khuyencong — small behaviours shared by every page (no inline scripts: the CSP forbids them).
// Forms with data-confirm="…" ask before submitting (actions that change status or money).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
