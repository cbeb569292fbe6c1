// Filters: #review, #differs or #all in the address picks which cards show (CSS does the hiding).
(function () {
  var sel = { all: ".card", review: '.card[data-action="review"]', differs: ".card[data-differs]" };
  function apply() {
    var f = location.hash.slice(1);
    if (!sel[f]) f = document.body.dataset.filter || "all"; // a #g-… link keeps the filter
    document.body.dataset.filter = f;
    document.getElementById("shown").textContent = document.querySelectorAll(sel[f]).length;
  }
  window.addEventListener("hashchange", apply);
  apply();
})();
