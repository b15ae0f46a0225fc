/* narrascope web app: small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  var form = document.getElementById("analyze-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("analyze-button");
      var busy = form.querySelector(".busy");
      if (button) { button.disabled = true; }
      if (busy) { busy.textContent = "Analysing… the first article after a start takes a few seconds."; }
    });
  }
})();
