"""The queue's free-text filter through the full-text indexes of migrations 0003 (SQLite FTS5 trigram,
PostgreSQL pg_trgm) and 0004 (SQLite character pairs, for one or two characters): the same leads as a
plain LIKE, on both engines, kept in step with edits."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, or_, select, text

from storage.migrate import _config, upgrade
from storage.models import Lead, Listing, Seller
from storage.queue import record_score
from storage.search import PAIR_INDEX_CHARS, QueueFilter, iter_queue, queue_page, resolve_text, title_contains
from tests.factories import ScoreStub, make_lead, make_listing

TITLES = [
    ("康帅傅 红烧牛肉面 5连包", "好味食品店"),
    ("康师傅 红烧牛肉面 经典袋装", "飞天专卖店"),
    ("李宁 运动鞋 跑步 男款", "运动鞋城"),
    ("茅台 飞天53度 酱香型白酒", "酒水批发部"),
    ("IPHONE 充电宝 快充 20000毫安", "数码配件铺"),
    ("iPhone 数据线 原装", "数码配件铺二店"),
    ("Ｉｐｈｏｎｅ 全角 充电器", "全角字符店"),
    ("100% 纯棉_T恤 夏季", "服装店"),
    ('"正品"保证 老干妈 辣椒酱', "调味品店"),
    ("片仔癀 正品 云南", "好味食品店分店"),
]

TERMS = [
    "红烧牛肉面",  # 3+ characters: the index
    "牛肉面 经典",  # across a space
    "牛肉",  # 2 characters: the character-pair index
    "鞋",  # 1 character: a prefix of a pair
    "款",  # the last character of a title
    "男款",  # the last pair of a title
    "5连",  # a digit and an ideograph
    "iP",  # a letter with a case: the index, then LIKE
    "Ｉ",  # full-width, one character
    "_T",  # LIKE wildcards are literal (a scan: not index characters)
    " 跑",  # a space: a scan
    "飞天",  # title and seller name, 2 characters
    "飞天53度",
    "好味食品",  # seller name, 4 characters
    "食品店",  # seller name, 3 characters
    "iphone",  # ASCII case: as LIKE on the engine
    "ｉｐｈｏｎｅ",  # full-width: LIKE does not fold it; the index would, the LIKE decides
    "100%",  # LIKE wildcards are literal
    "_T恤",
    '"正品"',  # FTS5 quotes are literal
    "不存在的商品",
    "片仔",
]


def _seed(session) -> dict[str, int]:
    leads = {}
    for i, (title, seller) in enumerate(TITLES):
        lead = make_lead(
            session,
            title=title,
            seller={"id": f"seller-{seller}", "name": seller},
            score=ScoreStub(risk=0.5 + i / 100),
        )
        leads[title] = lead.id
    # listings without a lead, so the index holds more than the leads
    for i in range(5):
        make_listing(session, title=f"红烧牛肉面 无线索 {i}")
    session.flush()
    return leads


def _like_reference(session, term: str) -> set[int]:
    """The leads the free text matched before the full-text indexes: LIKE over titles and sellers."""
    needle = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    parts = [
        Listing.title.like(needle, escape="\\"),
        Listing.seller_id.in_(select(Seller.id).where(Seller.name.like(needle, escape="\\"))),
    ]
    stripped = term.strip().lstrip("#")
    if stripped.isdigit() and len(stripped) < 12:
        parts.append(Lead.id == int(stripped))
    query = select(Lead.id).join(Listing, Listing.id == Lead.listing_id).where(or_(*parts))
    return set(session.scalars(query))


def _found(session, term: str) -> set[int]:
    """What the queue finds for ``term``: resolved (the web app, the API), and unresolved (exports)."""
    filters = QueueFilter(text=term, status="all")
    resolved = resolve_text(session=session, filters=filters)
    page = queue_page(session=session, filters=resolved, per_page=500)
    assert page.total == len(resolved.lead_ids or ())
    unresolved = {row.id for row in iter_queue(session=session, filters=filters)}
    direct = queue_page(session=session, filters=filters, per_page=500)
    assert {row.id for row in page.rows} == unresolved == {row.id for row in direct.rows}
    return unresolved


def test_free_text_finds_the_same_leads_as_like(database):
    with database.session() as session:
        leads = _seed(session)
        for term in TERMS:
            assert _found(session, term) == _like_reference(session, term), term
        assert _found(session, "红烧牛肉面") == {leads[TITLES[0][0]], leads[TITLES[1][0]]}
        assert _found(session, "牛肉") == {leads[TITLES[0][0]], leads[TITLES[1][0]]}
        assert _found(session, "好味食品") == {leads[TITLES[0][0]], leads[TITLES[9][0]]}
        assert _found(session, "食品店") == {leads[TITLES[0][0]], leads[TITLES[9][0]]}
        assert _found(session, "飞天") == {leads[TITLES[1][0]], leads[TITLES[3][0]]}
        assert leads[TITLES[6][0]] not in _found(session, "iphone")  # full-width is another letter
        assert _found(session, "ｉｐｈｏｎｅ") == set()
        assert _found(session, "100%") == {leads[TITLES[7][0]]}
        assert _found(session, '"正品"') == {leads[TITLES[8][0]]}


def test_a_lead_number_is_found_by_number(database):
    with database.session() as session:
        leads = _seed(session)
        lead_id = leads[TITLES[2][0]]
        for term in (str(lead_id), f"#{lead_id}"):
            assert lead_id in _found(session, term)
            assert _found(session, term) == _like_reference(session, term)


def test_an_edited_title_is_found_by_the_new_title_only(database):
    with database.session() as session:
        leads = _seed(session)
        lead = session.get(Lead, leads[TITLES[2][0]])
        lead.listing.title = "安踏 篮球鞋 新款"
        session.flush()
        assert _found(session, "运动鞋 跑步") == set()
        assert _found(session, "篮球鞋 新款") == {lead.id}
        assert _found(session, "篮球") == {lead.id}
        seller = lead.listing.seller
        seller.name = "新名字体育用品店"
        session.flush()
        assert _found(session, "运动鞋城") == set()
        assert _found(session, "体育用品") == {lead.id}
        for term in ("运动鞋", "篮球鞋 新款", "体育用品"):
            assert _found(session, term) == _like_reference(session, term)


def test_a_listing_that_moves_to_another_shop_is_found_by_the_new_shop(database):
    with database.session() as session:
        lead = make_lead(session, id="demo-static:777", seller={"id": "shop-old", "name": "旧铺子"})
        assert _found(session, "旧铺") == {lead.id}
        listing = make_listing(session, id="demo-static:777", seller={"id": "shop-new", "name": "新开张小店"})
        record_score(session=session, listing=listing, score=ScoreStub(risk=0.2, flagged=False))
        session.flush()
        assert _found(session, "旧铺") == set()
        assert _found(session, "小店") == {lead.id} == _like_reference(session, "小店")


def test_a_deleted_listing_leaves_the_index(database):
    # listings with a lead are never deleted (the audit trail refuses it): this one has none
    def titles_with(session, term: str) -> set[int]:
        return set(session.scalars(select(Listing.id).where(title_contains(term))))

    with database.session() as session:
        _seed(session)
        seller = {"id": "seller-x", "name": "窖藏批发行"}
        gone = make_listing(session, title="独一份 酱香 窖藏", seller=seller)
        session.flush()
        assert gone.id in titles_with(session, "窖藏") and gone.id in titles_with(session, "独一份")
        session.delete(gone)
        session.flush()
        if database.engine.dialect.name == "sqlite":
            for index in ("listings_fts", "sellers_fts", "listings_grams", "sellers_grams"):
                session.execute(text(f"INSERT INTO {index}({index}) VALUES ('integrity-check')"))
        assert titles_with(session, "窖藏") == set() and titles_with(session, "独一份") == set()
        assert _found(session, "酱香") == _like_reference(session, "酱香") != set()


def test_the_search_of_any_length_of_letters_uses_an_index(database):
    with database.session() as session:
        _seed(session)
        listing_ids = select(Listing.id).where(title_contains("红烧牛肉面"))
        if database.engine.dialect.name == "sqlite":
            compiled = str(listing_ids.compile(database.engine, compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(r) for r in session.execute(text("EXPLAIN QUERY PLAN " + compiled)))
            assert "listings_fts" in plan
            for term in ("牛肉", "鞋", "Li"):
                short = select(Listing.id).where(title_contains(term))
                compiled = str(short.compile(database.engine, compile_kwargs={"literal_binds": True}))
                plan = " ".join(str(r) for r in session.execute(text("EXPLAIN QUERY PLAN " + compiled)))
                assert "listings_grams VIRTUAL TABLE" in plan and "SCAN listings'" not in plan, term
            scan = select(Listing.id).where(title_contains("_T"))
            assert "listings_grams" not in str(scan.compile(database.engine))
        else:
            session.execute(text("SET LOCAL enable_seqscan = off"))
            compiled = str(listing_ids.compile(database.engine, compile_kwargs={"literal_binds": True}))
            plan = " ".join(r[0] for r in session.execute(text("EXPLAIN " + compiled)))
            assert "ix_listings_title_trgm" in plan


def test_the_migrations_index_what_was_there_before_them(database):
    engine = database.engine
    with database.session() as session:
        leads = _seed(session)
    command.downgrade(_config(engine), "0002")  # no text indexes, no leads.seller_id
    upgrade(engine)
    with database.session() as session:
        assert _found(session, "红烧牛肉面") == {leads[TITLES[0][0]], leads[TITLES[1][0]]}
        assert _found(session, "酒水批发") == {leads[TITLES[3][0]]}  # a seller's name: leads.seller_id
        assert _found(session, "牛肉") == {leads[TITLES[0][0]], leads[TITLES[1][0]]}
        assert _found(session, "批发") == {leads[TITLES[3][0]]}
        assert session.scalar(select(func.count()).select_from(Listing)) == len(TITLES) + 5


def test_the_pair_index_characters_are_whole_tokens_of_sqlite(db):
    """PAIR_INDEX_CHARS must be characters that FTS5's unicode61 keeps as token characters; else a
    one- or two-character search through the pair index (SQLite's) would miss what LIKE finds."""
    chars = [chr(c) for low, high in PAIR_INDEX_CHARS for c in range(low, high + 1)]
    with db.session() as session:
        tokenizer = "unicode61 remove_diacritics 0"
        session.execute(text(f"CREATE VIRTUAL TABLE temp.probe USING fts5(x, tokenize='{tokenizer}')"))
        session.execute(text("CREATE VIRTUAL TABLE temp.probe_terms USING fts5vocab(temp, probe, 'row')"))
        session.execute(text("INSERT INTO temp.probe(x) VALUES (:x)"), {"x": " ".join(chars)})
        terms = set(session.scalars(text("SELECT term FROM temp.probe_terms")))
    assert [c for c in chars if c.lower() not in terms] == []


def test_every_queue_order_and_the_new_first_split_search_the_leads_through_an_index(db):
    from datetime import UTC, datetime

    from storage.models import Lead
    from storage.search import SORTS, QueueFilter, _conditions, _sorted_ids_query

    where, _ = _conditions(QueueFilter())  # the open queue
    visit = datetime(2026, 1, 1, tzinfo=UTC)
    parts = {
        "all": where,
        "new": [*where, Lead.last_flagged_at >= visit],
        "rest": [*where, Lead.last_flagged_at < visit],
    }
    with db.session() as session:
        _seed(session)
        for sort in [*SORTS, *(f"-{k}" for k in SORTS)]:
            for part, conditions in parts.items():
                query = _sorted_ids_query(conditions, False, sort).limit(50)
                compiled = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
                plan = " ".join(str(r) for r in session.execute(text("EXPLAIN QUERY PLAN " + compiled)))
                assert "SEARCH leads USING" in plan and "SCAN leads" not in plan, (sort, part, plan)
