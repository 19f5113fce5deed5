// Applies the theme the reader chose (remembered in localStorage) before the page
// paints; without a choice, the page follows prefers-color-scheme.
(function () {
  var chosen = null;
  try { chosen = localStorage.getItem("cronicle-theme"); } catch (e) {}
  if (chosen === "light" || chosen === "dark") document.documentElement.dataset.theme = chosen;
})();
