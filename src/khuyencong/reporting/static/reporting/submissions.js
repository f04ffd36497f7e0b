// Submission pages: the "preview" link of the submit form follows the chosen province, year and month
// (the report page on the province's live figures for that period). No inline scripts: the CSP forbids them.
(function () {
  var form = document.querySelector("[data-submit-form]");
  if (!form) {
    return;
  }
  var link = form.querySelector("[data-preview]");
  function value(name) {
    var field = form.querySelector("[name='submit-" + name + "']");
    return field ? field.value : "";
  }
  function update() {
    var month = value("through_month");
    var params = new URLSearchParams({
      scope: "unit:" + value("unit"),
      year: value("year"),
      period: "m" + month,
      through_month: month,
    });
    link.href = link.getAttribute("data-preview") + "?" + params.toString();
  }
  form.addEventListener("change", update);
})();
