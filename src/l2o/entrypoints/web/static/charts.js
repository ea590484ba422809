// Draw every Vega-Lite chart on the page: each <figure class="chart"> holds its spec as JSON.
// The vendored vega, vega-lite and vega-embed scripts do the drawing; nothing is fetched.
(function () {
  function draw(root) {
    root.querySelectorAll("figure.chart:not([data-drawn])").forEach(function (figure) {
      var source = figure.querySelector("script[type='application/json']");
      if (!source || typeof vegaEmbed !== "function") return;
      figure.setAttribute("data-drawn", "pending");
      vegaEmbed(figure, JSON.parse(source.textContent), { actions: false, renderer: "svg" })
        .then(function () { figure.setAttribute("data-drawn", "yes"); })
        .catch(function (error) {
          figure.setAttribute("data-drawn", "failed");
          figure.insertAdjacentHTML("beforeend", "<p class='alert refused'>Chart could not be drawn.</p>");
          console.error(error);
        });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
