/* Kaifaqu: small progressive enhancements, no framework. */
(function () {
  "use strict";
  function enhance(select) {
    if (select.dataset.enhanced) return;
    select.dataset.enhanced = "1";
    const box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.dataset.placeholder || "输入名称或代码搜索…";
    box.setAttribute("aria-label", box.placeholder);
    select.parentNode.insertBefore(box, select);
    let timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const url = select.dataset.autocompleteUrl + "?q=" + encodeURIComponent(box.value);
        const response = await fetch(url, {headers: {"Accept": "application/json"}});
        if (!response.ok) return;
        const data = await response.json();
        const keep = Array.from(select.options).filter(o => o.selected && o.value);
        const seen = new Set(keep.map(o => o.value));
        select.innerHTML = "";
        if (!select.multiple) select.add(new Option("---------", ""));
        keep.forEach(o => select.add(o));
        data.results.forEach(function (r) {
          if (!seen.has(String(r.id))) select.add(new Option(r.text, r.id));
        });
        if (!select.multiple && !keep.length && data.results.length) select.selectedIndex = 1;
      }, 300);
    });
  }
  document.querySelectorAll("select[data-autocomplete-url]").forEach(enhance);
})();

/* A value as text inside an HTML string. ECharts renders tooltips as HTML: every formatter passes each
   name (and number) it puts in through this, so a name like "<img onerror=…>" is shown, never run. */
window.kfqText = function (value) {
  const entities = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
  return String(value == null ? "" : value).replace(/[&<>"']/g, c => entities[c]);
};

/* A new month's report: a cumulative figure (data-cumulative-base: the previous month's) follows this month's
   figure as it is typed (base + this month), until the user types the cumulative figure themselves. The server
   computes the same when the field is left empty, and the service checks it either way. */
(function () {
  "use strict";
  const source = document.querySelector("input[data-cumulative-source]");
  if (!source) return;
  document.querySelectorAll("input[data-cumulative-base]").forEach(function (field) {
    const base = Number(field.dataset.cumulativeBase);
    let typed = field.value !== "";
    field.addEventListener("input", function () { typed = field.value !== ""; });
    source.addEventListener("input", function () {
      if (typed) return;
      const value = Number(source.value);
      field.value = source.value === "" || Number.isNaN(value) ? "" : (Math.round((base + value) * 100) / 100).toFixed(2);
    });
  });
})();
