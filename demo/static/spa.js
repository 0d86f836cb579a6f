/* demo-spa: a small vanilla JS marketplace. All catalogue text goes in through textContent. */
(function () {
  "use strict";
  var app = document.getElementById("app");
  var list = null; // state of the current list view
  var observer = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function setState(s) { document.body.setAttribute("data-state", s); }

  function showCaptcha(html) {
    // the site asks for a human check: show it, stop fetching (a crawler must back off)
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title || "安全验证";
    app.replaceChildren();
    var box = doc.querySelector(".verify-box");
    if (box) app.appendChild(document.importNode(box, true));
    setState("captcha");
  }

  async function getJSON(url) {
    for (var attempt = 0; attempt < 6; attempt++) {
      var res, text;
      try {
        res = await fetch(url, { headers: { Accept: "application/json" } });
        text = await res.text();
      } catch (e) { await sleep(300 * (attempt + 1)); continue; }
      if (text.indexOf('id="captcha"') >= 0) { showCaptcha(text); throw new Error("captcha"); }
      if (res.status === 404) { var e404 = new Error("not found"); e404.status = 404; throw e404; }
      if (res.status === 429) {
        await sleep(1000 * (parseFloat(res.headers.get("Retry-After")) || 1)); continue;
      }
      if (!res.ok) { await sleep(300 * (attempt + 1)); continue; }
      try { return JSON.parse(text); } catch (e) { await sleep(200); continue; } // cut short: again
    }
    throw new Error("加载失败");
  }

  function showError(message, retry) {
    if (document.body.getAttribute("data-state") === "captcha") return;
    var box = el("div", "error", message);
    box.id = "error";
    var b = el("button", "retry-btn", "重试");
    b.addEventListener("click", retry);
    box.appendChild(b);
    app.replaceChildren(box);
    setState("error");
  }

  function card(x) {
    var li = el("li", "item-card");
    li.setAttribute("data-item-id", x.n);
    var a = el("a", "item-link");
    a.href = "#/item/" + x.n;
    var img = el("img", "item-thumb");
    img.src = x.thumb; img.alt = x.title; img.width = 160; img.height = 160; img.loading = "lazy";
    a.appendChild(img);
    a.appendChild(el("span", "item-title", x.title));
    li.appendChild(a);
    li.appendChild(el("span", "item-price", x.price_display));
    li.appendChild(el("span", "item-sold", "已售 " + x.sold_display));
    li.appendChild(el("span", "item-shop", x.seller.name));
    return li;
  }

  function listView(params) {
    var heading = params.q ? "“" + params.q + "”的搜索结果" : params.category ? "分类商品" : "全部商品";
    var h = el("h1", "list-heading", heading);
    var count = el("p", "result-count");
    var grid = el("ul", "item-list item-grid"); grid.id = "item-grid";
    var more = el("button", "load-more", "加载更多"); more.id = "load-more"; more.type = "button";
    var end = el("p", "list-end", "没有更多了"); end.id = "list-end"; end.hidden = true;
    var sentinel = el("div", "scroll-sentinel"); sentinel.id = "scroll-sentinel";
    app.replaceChildren(h, count, grid, more, end, sentinel);
    list = { params: params, next: 1, loading: false, grid: grid, more: more, end: end, count: count };
    more.addEventListener("click", loadMore);
    if (observer) observer.disconnect();
    observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; }) && window.scrollY > 0) loadMore();
    }, { rootMargin: "200px" });
    observer.observe(sentinel);
    loadMore();
  }

  async function loadMore() {
    var st = list;
    if (!st || st.loading || st.next === null) return;
    st.loading = true; st.more.disabled = true; setState("loading");
    var qs = "page=" + st.next;
    if (st.params.q) qs += "&q=" + encodeURIComponent(st.params.q);
    if (st.params.category) qs += "&category=" + encodeURIComponent(st.params.category);
    try {
      var data = await getJSON("/api/items?" + qs);
      if (st !== list) return; // the user moved on
      data.items.forEach(function (x) { st.grid.appendChild(card(x)); });
      st.grid.setAttribute("data-page", data.page);
      st.grid.setAttribute("data-pages", data.pages);
      st.grid.setAttribute("data-total", data.total);
      st.count.textContent = "共 " + data.total + " 件商品";
      st.next = data.next;
      if (data.total === 0) st.grid.replaceWith(el("p", "empty", "没有找到相关商品，换个关键词试试"));
      st.more.hidden = st.next === null;
      st.end.hidden = st.next !== null;
      st.loading = false; st.more.disabled = false;
      setState("ready");
    } catch (e) {
      st.loading = false;
      if (e.message !== "captcha") showError("商品加载失败", function () { route(); });
    }
  }

  async function itemView(n) {
    if (observer) observer.disconnect();
    list = null;
    app.replaceChildren(el("div", "loading", "加载中…"));
    setState("loading");
    var x;
    try { x = await getJSON("/api/item/" + encodeURIComponent(n)); } catch (e) {
      if (e.status === 404) { app.replaceChildren(el("div", "message not-found", "商品不存在或已下架")); setState("ready"); }
      else if (e.message !== "captcha") showError("商品加载失败", function () { route(); });
      return;
    }
    var d = el("div", "item-detail"); d.id = "item-detail"; d.setAttribute("data-item-id", x.n);
    var crumb = el("nav", "breadcrumb");
    var home = el("a", null, "首页"); home.href = "#/";
    var cat = el("a", "crumb-category", x.category); cat.href = "#/category/" + x.category_slug;
    crumb.append(home, " > ", cat);
    var gallery = el("div", "gallery");
    x.images.forEach(function (src, i) {
      var img = el("img", "gallery-img"); img.src = src; img.alt = "商品图 " + (i + 1); img.width = 240; img.height = 240;
      gallery.appendChild(img);
    });
    var main = el("div", "item-main");
    main.appendChild(el("h1", "item-title", x.title));
    var price = el("div", "price-box");
    price.append(el("span", "price-label", "价格"), " ", el("span", "price-now", x.price_display));
    if (x.price_orig_display) price.append(" ", el("del", "price-orig", x.price_orig_display));
    main.appendChild(price);
    var sales = el("div", "sales", "已售 "); sales.appendChild(el("span", "sold-count", x.sold_display));
    main.appendChild(sales);
    var attrs = el("dl", "item-attrs");
    attrs.append(el("dt", null, "商品编号"), el("dd", "item-id", x.n), el("dt", null, "类目"),
      el("dd", "item-category", x.category));
    main.appendChild(attrs);
    var s = x.seller;
    var shop = el("div", "shop-info"); shop.setAttribute("data-shop-id", s.id);
    var opened = el("span", "shop-opened", "开店时间 ");
    var t = el("time", null, s.opened); t.setAttribute("datetime", s.opened); opened.appendChild(t);
    var rating = el("span", "shop-rating", "店铺评分 "); rating.appendChild(el("em", null, Number(s.rating).toFixed(1)));
    var lic;
    if (s.licence) { lic = el("span", "shop-licence", "营业执照 统一社会信用代码 "); lic.appendChild(el("code", null, s.licence)); }
    else lic = el("span", "shop-licence shop-licence-missing", "营业执照 未公示");
    shop.append(el("span", "shop-name", s.name), opened, rating, lic);
    if (s.address) shop.appendChild(el("span", "shop-address", "退货地址：" + s.address));
    if (s.contact) shop.appendChild(el("span", "shop-contact", "联系方式：" + s.contact));
    var desc = el("section", "item-desc");
    desc.append(el("h2", null, "商品详情"), el("div", "desc-text", x.description));
    var back = el("a", "back-link", "返回列表"); back.href = "#/";
    d.append(crumb, gallery, main, shop, desc, back);
    app.replaceChildren(d);
    document.title = x.title + " - 好物集 演示商城";
    setState("ready");
  }

  function route() {
    var h = location.hash || "#/";
    var m = h.match(/^#\/item\/(\d+)/);
    if (m) { itemView(m[1]); return; }
    m = h.match(/^#\/category\/([\w-]+)/);
    if (m) { listView({ category: m[1] }); return; }
    m = h.match(/^#\/search\?(.*)$/);
    if (m) { listView({ q: new URLSearchParams(m[1]).get("q") || "" }); return; }
    document.title = "好物集 演示商城";
    listView({});
  }

  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = document.getElementById("search-input").value.trim();
    location.hash = q ? "#/search?q=" + encodeURIComponent(q) : "#/";
  });
  window.addEventListener("hashchange", route);
  route();
})();
