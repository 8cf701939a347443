// The annotated article: hovering a highlight lights up all its pieces (a span split where it
// crosses another); clicking one shows what every highlight under the pointer is, from the
// side list's entries (copied nodes, never parsed HTML).

const text = document.getElementById("doctext");
const detail = document.getElementById("ann-detail");

function pieces(key) {
  return document.querySelectorAll(`[data-ann="${CSS.escape(key)}"]`);
}

function light(key, on) {
  for (const node of pieces(key)) node.classList.toggle("on", on);
}

text.addEventListener("mouseover", (e) => {
  const mark = e.target.closest("mark.ann");
  if (mark) light(mark.dataset.ann, true);
});
text.addEventListener("mouseout", (e) => {
  const mark = e.target.closest("mark.ann");
  if (mark) light(mark.dataset.ann, false);
});

text.addEventListener("click", (e) => {
  const marks = [];
  for (let node = e.target.closest("mark.ann"); node && text.contains(node); node = node.parentElement.closest("mark.ann")) {
    marks.push(node);
  }
  if (!marks.length) return;
  for (const node of document.querySelectorAll(".sidelist li.on")) node.classList.remove("on");
  const close = document.createElement("button");
  close.type = "button";
  close.className = "link close";
  close.textContent = "close";
  close.addEventListener("click", () => { detail.hidden = true; });
  detail.replaceChildren(close);
  for (const mark of marks) {
    const entry = document.getElementById(`ann-${mark.dataset.ann}`);
    if (!entry) continue;
    entry.classList.add("on");
    detail.append(entry.cloneNode(true));
  }
  for (const node of detail.querySelectorAll("[id]")) node.removeAttribute("id");
  detail.hidden = false;
  const innermost = document.getElementById(`ann-${marks[0].dataset.ann}`);
  if (innermost) innermost.scrollIntoView({ block: "nearest" });
});
