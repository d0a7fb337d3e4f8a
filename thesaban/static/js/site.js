// Menus open by button as well as by hover, so the keyboard and touch can reach every item.
// Without JavaScript, css/nojs.css (in a <noscript>) shows the small-screen menu instead.
document.addEventListener("DOMContentLoaded", () => {
  const menuToggle = document.querySelector(".menu-toggle");
  const menu = document.getElementById("main-menu");
  if (menuToggle && menu) {
    menuToggle.addEventListener("click", () => {
      const open = menuToggle.getAttribute("aria-expanded") !== "true";
      menuToggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    });
  }
  document.querySelectorAll(".submenu-toggle").forEach((button) => {
    button.addEventListener("click", () => {
      const item = button.closest(".menu-item");
      const open = button.getAttribute("aria-expanded") !== "true";
      document.querySelectorAll(".menu-item.is-open").forEach((other) => {
        if (other !== item) {
          other.classList.remove("is-open");
          other.querySelector(".submenu-toggle").setAttribute("aria-expanded", "false");
        }
      });
      button.setAttribute("aria-expanded", String(open));
      item.classList.toggle("is-open", open);
    });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".menu-item.is-open").forEach((item) => {
      item.classList.remove("is-open");
      const button = item.querySelector(".submenu-toggle");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    });
  });
});
