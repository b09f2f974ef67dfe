/* policykg review page: the entity-type filters switch a type's highlights off and on. */
(function () {
  "use strict";
  var text = document.getElementById("text");
  document.querySelectorAll("#filters input[data-label]").forEach(function (box) {
    box.addEventListener("change", function () { text.classList.toggle("off-" + box.dataset.label, !box.checked); });
  });
})();
