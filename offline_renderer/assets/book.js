// Copy buttons on code blocks and a small full-text search over the book.
document.querySelectorAll("div.sourceCode.cell-code, pre.cell-code").forEach((block) => {
  const button = document.createElement("button");
  button.className = "copy-code";
  button.type = "button";
  button.textContent = "Copy";
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(block.querySelector("code").innerText).then(() => {
      button.textContent = "Copied";
      setTimeout(() => (button.textContent = "Copy"), 1500);
    });
  });
  block.appendChild(button);
});

(function () {
  const input = document.getElementById("search");
  const list = document.getElementById("search-results");
  if (!input || !window.BOOK_SEARCH) return;
  const root = document.querySelector('link[href$="book.css"]').getAttribute("href").replace(/site_libs\/book\.css$/, "");
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter((w) => w.length > 1);
    list.innerHTML = "";
    if (!words.length) return;
    const hits = window.BOOK_SEARCH.filter((entry) => {
      const text = (entry.title + " " + entry.text).toLowerCase();
      return words.every((w) => text.includes(w));
    }).slice(0, 12);
    for (const hit of hits) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = root + hit.page + (hit.anchor ? "#" + hit.anchor : "");
      link.textContent = hit.title;
      item.appendChild(link);
      list.appendChild(item);
    }
    if (!hits.length) list.innerHTML = "<li>No match</li>";
  });
})();
