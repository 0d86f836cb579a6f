"""The translation catalogue: every message of the web app, in zh-CN (the default) and English.

``translate(key, lang, **values)`` formats the message; a key missing from the catalogue is a bug and
shows as the key itself (tests check that every key used by a template is here in both languages).
"""

from __future__ import annotations

DEFAULT_LANG = "zh_CN"
LANGS = ("zh_CN", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # chrome
    "app.name": ("markwatch 网络商标监测", "markwatch marketplace watch"),
    "nav.queue": ("待审队列", "Queue"),
    "nav.brands": ("品牌", "Brands"),
    "nav.approvals": ("品牌审批", "Approvals"),
    "nav.users": ("用户管理", "Users"),
    "nav.password": ("修改密码", "Change password"),
    # change password
    "password.title": ("修改密码", "Change password"),
    "password.forced": (
        "您使用的是一次性密码，请先设置自己的新密码后再继续使用。",
        "You logged in with a one-time password: set a password of your own before going on.",
    ),
    "password.current": ("当前密码", "Current password"),
    "password.new": ("新密码（至少 8 个字符）", "New password (8 characters at least)"),
    "password.repeat": ("再次输入新密码", "New password again"),
    "password.submit": ("修改密码", "Change password"),
    "password.ends_sessions": (
        "修改后，您在其他浏览器或设备上的登录会全部失效。",
        "Once changed, your sessions in every other browser or device end.",
    ),
    "password.wrong_current": ("当前密码不正确。", "The current password is wrong."),
    "password.too_short": ("新密码至少需要 8 个字符。", "The new password needs 8 characters at least."),
    "password.mismatch": ("两次输入的新密码不一致。", "The two new passwords differ."),
    "password.same": ("新密码不能与当前密码相同。", "The new password must differ from the current one."),
    "error.password_change": (
        "请先在网页上修改一次性密码（/account/password）。",
        "Change the one-time password on the web first (/account/password).",
    ),
    # users (admin)
    "users.title": ("用户管理", "Users"),
    "users.name": ("用户名", "Name"),
    "users.role": ("角色", "Role"),
    "users.brands": ("品牌范围", "Brands"),
    "users.state": ("状态", "State"),
    "users.tokens": ("有效 API 令牌", "Active API tokens"),
    "users.created": ("创建时间", "Created"),
    "users.active": ("正常", "Active"),
    "users.disabled": ("已停用", "Disabled"),
    "users.must_change": ("待修改一次性密码", "Must change a one-time password"),
    "users.disable": ("停用", "Disable"),
    "users.enable": ("启用", "Enable"),
    "users.reset": ("重置密码", "Reset password"),
    "users.done_disable": (
        "已停用用户 {name}：其全部登录已失效，API 令牌不再可用。",
        "{name} is disabled: every session ended, API tokens no longer work.",
    ),
    "users.done_enable": ("已启用用户 {name}。", "{name} is enabled."),
    "users.done_reset": (
        "已重置 {name} 的密码：其全部登录已失效，下次登录须修改密码。",
        "{name}'s password is reset: every session ended; the next login must change it.",
    ),
    "users.one_time": (
        "{name} 的一次性密码（只显示这一次，请当面或通过安全渠道告知）：",
        "{name}'s one-time password (shown this once only; hand it over in person or over a safe channel):",
    ),
    "users.not_yourself": ("不能停用您自己的账号。", "You cannot disable your own account."),
    "users.cli_hint": (
        "命令行：markwatch users list | disable | enable | passwd | tokens | revoke",
        "Command line: markwatch users list | disable | enable | passwd | tokens | revoke",
    ),
    "nav.blacklist": ("黑名单", "Blacklist"),
    "nav.digest": ("监测日报", "Daily digest"),
    "nav.status": ("系统状态", "Status"),
    "nav.api": ("接口文档", "API"),
    "nav.logout": ("退出", "Log out"),
    "nav.lang_other": ("English", "中文"),
    "nav.signed_in_as": ("当前用户：{name}（{role}）", "Signed in as {name} ({role})"),
    # roles
    "role.admin": ("管理员", "administrator"),
    "role.reviewer": ("审核员", "reviewer"),
    "role.investigator": ("调查员", "investigator"),
    "role.brand_owner": ("权利人", "brand owner"),
    # login
    "login.title": ("登录", "Log in"),
    "login.name": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.failed": ("用户名或密码不正确。", "Wrong user name or password."),
    "login.limited": (
        "登录失败次数过多，请 15 分钟后再试。",
        "Too many failed logins; try again in 15 minutes.",
    ),
    # errors
    "error.title": ("出错了", "Something went wrong"),
    "error.404": ("没有找到该页面或记录。", "No such page or record."),
    "error.403": ("您的角色无权执行此操作。", "Your role may not do this."),
    "error.csrf": (
        "表单已过期或缺少安全令牌（csrf_token），请返回刷新页面后重试。",
        "The form expired or lacks its security token (csrf_token); go back, reload and try again.",
    ),
    "error.400": ("请求有误：{detail}", "Bad request: {detail}"),
    "error.415": (
        "请求体必须是 JSON（Content-Type: application/json）。",
        "The request body must be JSON (Content-Type: application/json).",
    ),
    "error.not_text": (
        "请求体含有不是 Unicode 文字的字符（孤立的代理项，如 \\ud800）。",
        "The request body holds a character that is not Unicode text (a lone surrogate such as \\ud800).",
    ),
    "error.too_deep": (
        "请求体的 JSON 嵌套过深（最多 32 层）。",
        "The request body's JSON is nested too deep (32 levels at most).",
    ),
    "error.back": ("返回待审队列", "Back to the queue"),
    "error.dismiss_reason": ("驳回必须填写理由。", "A dismissal needs a reason."),
    "error.department": ("请选择有效的承办处室。", "Choose a valid department."),
    "error.no_selection": ("请先勾选线索。", "Select some leads first."),
    "error.conflict": (
        "此线索在您打开页面后已被他人修改，未作处理。请查看当前状态后再决定。",
        "This lead changed after you opened it; nothing was done. "
        "Look at its current state and decide again.",
    ),
    "error.transition": (
        "当前状态下不能作此处理。",
        "This decision is not allowed in the lead's current status.",
    ),
    "error.note_required": (
        "上报和移送公安必须填写说明。",
        "Escalating or transferring to the police needs a note.",
    ),
    "error.reopen_reason": ("重新打开必须填写理由。", "Reopening needs a reason."),
    # a bad query or form value (review.deps.BadInput and the pages' validation errors): what is wrong
    "input.missing": ("缺少{param}", "{param} is missing"),
    "input.not_an_integer": ("{param}：“{value}”不是整数", "{param}: “{value}” is not a whole number"),
    "input.not_a_number": ("{param}：“{value}”不是数字", "{param}: “{value}” is not a number"),
    "input.out_of_range": (
        "{param}：“{value}”超出范围，应在 {low} 到 {high} 之间",
        "{param}: “{value}” is out of range, it must be between {low} and {high}",
    ),
    "input.at_least": ("{param}：不能小于 {limit}", "{param}: must be at least {limit}"),
    "input.at_most": ("{param}：不能大于 {limit}", "{param}: must be at most {limit}"),
    "input.too_long": ("{param}：不能超过 {limit} 个字符", "{param}: at most {limit} characters"),
    "input.not_a_date": (
        "{param}：“{value}”不是日期，应为“年-月-日”（YYYY-MM-DD）",
        "{param}: “{value}” is not a date; use YYYY-MM-DD",
    ),
    "input.not_a_time": (
        "{param}：“{value}”既不是 ISO 8601 时间，也不是 all",
        "{param}: “{value}” is neither an ISO 8601 time nor 'all'",
    ),
    "input.one_of": (
        "{param}：“{value}”无效，可选值为 {choices}",
        "{param}: “{value}” is not one of {choices}",
    ),
    "input.invalid": ("{param}：“{value}”无效", "{param}: “{value}” is not valid"),
    # parameters as the error messages name them
    "param.from": ("起始日期", "From date"),
    "param.to": ("截止日期", "To date"),
    "param.risk_min": ("最低风险", "Minimum risk"),
    "param.risk_max": ("最高风险", "Maximum risk"),
    "param.status": ("状态", "Status"),
    "param.since": ("起始时间", "Since"),
    "param.sort": ("排序", "Sort"),
    "param.new_since": ("上次访问时间", "Last visit"),
    "param.page": ("页码", "Page"),
    "param.lead_id": ("线索编号", "Lead number"),
    "param.snapshot_id": ("快照编号", "Snapshot number"),
    "param.brand_id": ("品牌编号", "Brand number"),
    "param.action": ("操作", "Action"),
    "param.department": ("承办处室", "Department"),
    "param.note": ("备注", "Note"),
    "param.ids": ("所选线索", "Selected leads"),
    "param.name": ("用户名", "User name"),
    "param.password": ("密码", "Password"),
    # statuses
    "status.open": ("待处理", "open"),
    "status.all": ("全部", "all"),
    "status.new": ("新线索", "new"),
    "status.in_review": ("处理中", "in review"),
    "status.confirmed": ("已确认", "confirmed"),
    "status.dismissed": ("已驳回", "dismissed"),
    "status.escalated": ("已上报", "escalated"),
    "status.transferred": ("已移送", "transferred"),
    "status.pending": ("待审批", "pending"),
    "status.approved": ("已批准", "approved"),
    "status.rejected": ("已拒绝", "rejected"),
    # violations
    "violation.counterfeit_mark": ("假冒注册商标", "counterfeit mark"),
    "violation.lookalike_mark": ("近似商标/傍名牌", "lookalike mark"),
    "violation.banned_agri_input": ("禁限用农资", "banned agricultural input"),
    "violation.false_advertising": ("虚假违法广告", "false advertising"),
    "violation.substandard_fuel": ("不合格燃油", "substandard fuel"),
    "violation.other": ("其他", "other"),
    "violation.none": ("未分类", "unclassified"),
    # actions (decisions and audit events)
    "action.confirm": ("确认", "Confirm"),
    "action.dismiss": ("驳回", "Dismiss"),
    "action.assign": ("分派承办处室", "Assign a department"),
    "action.escalate": ("上报", "Escalate"),
    "action.transfer": ("移送公安", "Transfer to police"),
    "action.reopen": ("重新打开（管理员）", "Reopen (admin)"),
    "action.flagged": ("系统标记", "flagged"),
    "action.reflagged": ("再次标记", "flagged again"),
    "action.reopened": ("重新打开", "reopened"),
    "action.seller_blacklisted": ("卖家列入黑名单", "seller blacklisted"),
    "action.evidence_export": ("导出证据包", "evidence exported"),
    "action.evidence_capture": ("请求重新取证截图", "evidence capture requested"),
    # signals (score reasons)
    "signal.lookalike_mark": ("商标近似", "lookalike mark"),
    "signal.exact_mark": ("使用注册商标", "registered mark used"),
    "signal.cue_words": ("仿冒暗示词", "counterfeit cue words"),
    "signal.price": ("价格异常", "price anomaly"),
    "signal.image_reuse": ("盗用官方图片", "official image reused"),
    "signal.seller": ("卖家风险", "seller risk"),
    "signal.blacklisted": ("黑名单卖家", "blacklisted seller"),
    "signal.rule": ("规则命中", "rule match"),
    "signal.lookalike": ("商标近似", "lookalike mark"),
    "signal.counterfeit_cue": ("仿冒暗示词", "counterfeit cue words"),
    "signal.price_floor": ("低于正品最低价", "below the price floor"),
    "signal.price_outlier": ("价格异常偏低", "price outlier"),
    "signal.seller_new": ("新开店铺", "new shop"),
    "signal.seller_blacklisted": ("黑名单卖家", "blacklisted seller"),
    "signal.seller_many_brands": ("经营多个品牌", "many unrelated brands"),
    "signal.goods_from_title": ("商品类别（由标题推断）", "goods read from the title"),
    "signal.banned_agri_input": ("禁限用农资", "banned agricultural input"),
    "signal.false_advertising": ("虚假违法广告", "false advertising"),
    "signal.substandard_fuel": ("不合格燃油", "substandard fuel"),
    # queue
    "queue.title": ("待审队列", "Review queue"),
    "queue.since": ("自上次访问（{time}）以来标记的线索", "Flagged since your last visit ({time})"),
    "queue.show_all": ("显示全部时间", "Show all dates"),
    "queue.filters": ("筛选", "Filters"),
    "queue.apply": ("筛选", "Apply"),
    "queue.reset": ("清除筛选", "Reset"),
    "queue.any": ("不限", "any"),
    "queue.platform": ("平台", "Platform"),
    "queue.brand": ("品牌", "Brand"),
    "queue.violation": ("违法类型", "Violation"),
    "queue.department": ("承办处室", "Department"),
    "queue.status": ("状态", "Status"),
    "queue.risk": ("风险", "Risk"),
    "queue.risk_min": ("最低风险 %", "Min risk %"),
    "queue.risk_max": ("最高风险 %", "Max risk %"),
    "queue.date_from": ("起始日期", "From"),
    "queue.date_to": ("截止日期", "To"),
    "queue.text": ("关键词（标题、卖家、编号）", "Text (title, seller, id)"),
    "queue.total": ("共 {n} 条线索", "{n} leads"),
    "queue.empty": ("没有符合条件的线索。", "No leads match."),
    "queue.title_col": ("商品标题", "Title"),
    "queue.seller": ("卖家", "Seller"),
    "queue.price": ("价格", "Price"),
    "queue.flagged": ("标记时间", "Flagged"),
    "queue.page": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "queue.prev": ("上一页", "Previous"),
    "queue.next": ("下一页", "Next"),
    "queue.bulk": ("批量操作", "Bulk action"),
    "queue.bulk_apply": ("对所选线索执行", "Apply to selected"),
    "queue.select_all": ("全选", "Select all"),
    "queue.note": ("备注/理由", "Note / reason"),
    "queue.export_csv": ("导出 CSV", "Export CSV"),
    "queue.export_xlsx": ("导出 Excel", "Export XLSX"),
    "queue.keys": (
        "快捷键：j/k 上下移动，回车打开，c 确认，d 驳回（在该行填写理由）",
        "Keys: j/k move, Enter opens, c confirm, d dismiss (type the reason in the row)",
    ),
    "queue.bulk_done": ("已处理 {n} 条线索。", "{n} leads updated."),
    "queue.bulk_changed": (
        "以下线索在您打开页面后已被他人修改，已跳过：{ids}",
        "These leads changed after you opened the page and were skipped: {ids}",
    ),
    "queue.bulk_refused": (
        "以下线索的当前状态不允许此处理，已跳过：{ids}",
        "These leads' status does not allow this decision; they were skipped: {ids}",
    ),
    "queue.transfer_flag": ("达刑事标准", "criminal threshold"),
    "queue.blacklisted": ("黑名单", "blacklisted"),
    "queue.new_first": (
        "自上次访问（{time}）以来新标记的线索排在最前，标有“新”。",
        "Leads flagged since your last visit ({time}) come first, marked “new”.",
    ),
    "queue.only_new": ("只看这些", "Show only these"),
    "queue.new_tag": ("新", "new"),
    "queue.sold": ("估计销量", "Est. sales"),
    "queue.first_seen": ("首次发现", "First seen"),
    "queue.reason": ("主要理由", "Top reason"),
    "queue.sort_asc": ("升序", "ascending"),
    "queue.sort_desc": ("降序", "descending"),
    # --- triage (issue 14: triage mode and keys, claim/assign, thumbnails, seller pages, blacklist lifts) ---
    "triage.nav": ("队列中的上一条、下一条", "Previous and next lead in the queue"),
    "triage.previous": ("上一条", "Previous lead"),
    "triage.next": ("下一条", "Next lead"),
    "triage.decided": (
        "已记录：线索 #{id}「{action}」。这是队列中的下一条线索。",
        "Recorded: {action} on lead #{id}. This is the next lead in the queue.",
    ),
    "triage.blacklisted": (
        "线索 #{id} 的卖家确认线索已达 {n} 条，已列入黑名单。",
        "The seller of lead #{id} now has {n} confirmed leads and is blacklisted.",
    ),
    "triage.end": (
        "已记录：线索 #{id}「{action}」。这是当前队列视图的最后一条线索。",
        "Recorded: {action} on lead #{id}. That was the last lead of this queue view.",
    ),
    "triage.keys": (
        "快捷键：c 确认，d 驳回（在按钮旁填写理由后回车），e 上报（填写备注后回车，再确认），"
        "n/p 下一条/上一条",
        "Keys: c confirm, d dismiss (type the reason beside the buttons, Enter), "
        "e escalate (type the note, Enter, then confirm), n/p next/previous lead",
    ),
    "triage.reason_dismiss": ("驳回理由（必填，回车提交）", "Reason to dismiss (required, Enter submits)"),
    "triage.reason_escalate": (
        "上报备注（必填，回车提交）",
        "Note for the escalation (required, Enter submits)",
    ),
    "triage.reason_go": ("提交", "Submit"),
    "triage.reason_cancel": ("取消（Esc）", "Cancel (Esc)"),
    "triage.reason_missing": ("请先填写理由。", "Type the reason first."),
    "triage.row_reason": ("驳回理由（回车提交，Esc 取消）", "Reason to dismiss (Enter submits, Esc cancels)"),
    "triage.thumbnail": ("商品图片缩略图", "Listing image thumbnail"),
    "triage.assignee": ("认领人", "Assignee"),
    "triage.unassigned": ("无人认领", "nobody"),
    "triage.claim": ("认领", "Claim"),
    "triage.release": ("放弃认领", "Release"),
    "triage.assign_to": ("指派给", "Assign to"),
    "triage.assigned_claim": ("已认领。", "Claimed."),
    "triage.assigned_assign_reviewer": ("已指派。", "Assigned."),
    "triage.assigned_release": ("已放弃认领。", "Released."),
    "triage.assignee_changed": (
        "这条线索的认领人刚被他人改变，请看当前的认领人。",
        "Someone else changed who has this lead just now: see its assignee.",
    ),
    "triage.mine": ("只看我的", "Mine only"),
    "triage.mine_on": ("只显示我认领或指派给我的线索", "Only leads you claimed or were assigned"),
    "triage.assignee_col": ("认领人", "Assignee"),
    "action.claim": ("认领", "claimed"),
    "action.assign_reviewer": ("指派审核员", "assigned to a reviewer"),
    "action.release": ("放弃认领", "released"),
    "seller.title": ("卖家：{name}", "Seller: {name}"),
    "seller.external_id": ("平台上的店铺编号", "Shop id on the platform"),
    "seller.blacklist_reason": ("列入依据", "Blacklisted for"),
    "seller.leads": ("该卖家的线索", "The seller's leads"),
    "seller.listings": ("该卖家的商品", "The seller's listings"),
    "seller.history": ("处理记录（该卖家全部线索）", "History (all the seller's leads)"),
    "seller.lead": ("线索", "Lead"),
    "triage.lift": ("解除黑名单", "Lift the blacklist entry"),
    "triage.lift_reason_label": ("解除理由（必填）", "Reason (required)"),
    "triage.lift_reason": ("解除黑名单必须填写理由。", "Lifting a blacklist entry needs a reason."),
    "triage.not_blacklisted": (
        "该卖家不在黑名单上（可能已被他人解除）。",
        "The seller is not blacklisted (someone may have lifted it).",
    ),
    "triage.lifted": (
        "已解除黑名单，理由已记入处理记录；该卖家的商品将重新评分。",
        "Lifted: the reason is in the audit trail, and the seller's listings are scored again.",
    ),
    "action.seller_unblacklisted": ("解除卖家黑名单", "seller's blacklist entry lifted"),
    # --- end of triage ---
    # lead page
    "lead.title": ("线索 #{id}", "Lead #{id}"),
    "lead.listing": ("商品信息", "Listing"),
    "lead.platform": ("平台", "Platform"),
    "lead.url": ("链接", "URL"),
    "lead.unsafe_url": ("（非 http 链接，仅显示文本）", "(not an http link, shown as text)"),
    "lead.price": ("价格", "Price"),
    "lead.sold": ("销量", "Sold"),
    "lead.category": ("类目", "Category"),
    "lead.description": ("描述", "Description"),
    "lead.first_seen": ("首次发现", "First seen"),
    "lead.last_seen": ("最近发现", "Last seen"),
    "lead.seller": ("卖家", "Seller"),
    "lead.seller_opened": ("开店日期", "Opened"),
    "lead.seller_rating": ("评分", "Rating"),
    "lead.licence": ("统一社会信用代码", "Unified social credit code"),
    "lead.case": ("所属案件线索", "Case"),
    "lead.case_hint": ("该店铺与其他店铺经证据关联", "this shop is linked to others by evidence"),
    "lead.licence_valid": ("校验通过，登记地：{region}", "check digit valid, issued in {region}"),
    "lead.licence_invalid": ("校验未通过：{reason}", "invalid: {reason}"),
    "lead.licence_region": ("登记地：{region}", "issued in {region}"),
    "lead.region_unknown": ("未知地区", "unknown region"),
    "lead.status": ("状态", "Status"),
    "lead.risk": ("风险", "Risk"),
    "lead.brand": ("涉及品牌", "Brand"),
    "lead.violation": ("违法类型", "Violation"),
    "lead.department": ("承办处室", "Department"),
    "lead.suggested": ("按路由表建议：{department}", "Routing table suggests: {department}"),
    "lead.flagged": ("首次标记 {first}，最近标记 {last}", "First flagged {first}, last flagged {last}"),
    "lead.reasons": ("判定理由", "Why it was flagged"),
    "lead.no_reasons": ("没有记录理由。", "No reasons recorded."),
    "lead.weight": ("权重", "weight"),
    "lead.threshold": ("刑事立案标准", "Criminal threshold"),
    "lead.threshold_sum": (
        "估算销售额 = 单价 {price} × 销量 {sold} = {total}",
        "Estimated sales = price {price} × sold {sold} = {total}",
    ),
    "lead.threshold_over": (
        "已达到 {limit} 的标准，应审查是否移送公安机关。",
        "Reaches the {limit} threshold: review for transfer to the police.",
    ),
    "lead.threshold_under": ("未达到 {limit} 的标准。", "Below the {limit} threshold."),
    "lead.threshold_na": (
        "缺少价格或销量，无法估算销售额。",
        "Price or sales missing: sales cannot be estimated.",
    ),
    "lead.threshold_only_counterfeit": (
        "刑事标准仅适用于假冒注册商标。",
        "The threshold applies to counterfeit registered marks only.",
    ),
    "lead.price_history": ("价格走势", "Price history"),
    "lead.no_price_history": ("没有价格记录。", "No price observations."),
    "lead.snapshots": ("网页快照", "Snapshots"),
    "lead.no_snapshots": ("没有快照。", "No snapshots."),
    "lead.snapshot_meta": (
        "抓取时间 {time}，HTTP 状态 {status}，工具 {tool}",
        "Fetched {time}, HTTP status {status}, tool {tool}",
    ),
    "lead.snapshot_frame": (
        "快照 #{id}（沙箱显示，脚本不会运行）",
        "Snapshot #{id} (sandboxed, no script runs)",
    ),
    "lead.screenshot": ("截图", "Screenshot"),
    # evidence captures (review/templates/_captures.html)
    "capture.title": ("取证截图", "Evidence captures"),
    "capture.none": ("还没有取证截图。", "No evidence capture yet."),
    "capture.queued": (
        "已请求重新取证截图，几分钟内由后台任务完成。",
        "A new capture was asked for; the background job takes it within minutes.",
    ),
    "capture.pending": ("{n} 份取证截图排队中。", "{n} capture(s) waiting."),
    "capture.time": ("取证时间", "Captured"),
    "capture.outcome": ("结果", "Outcome"),
    "capture.environment": ("取证环境", "Environment"),
    "capture.failed": ("失败", "Failed"),
    "capture.attempts": ("尝试 {n} 次", "{n} attempt(s)"),
    "capture.browser": ("浏览器 Chromium", "Browser Chromium"),
    "capture.user_agent": ("用户代理", "User agent"),
    "capture.egress": ("出口地址", "Egress"),
    "capture.open_screenshot": ("查看截图", "Open screenshot"),
    "capture.again": ("重新取证截图", "Capture again"),
    "capture.again_help": (
        "从电商平台重新截取整页截图和网页存档，新增一份，不替换已有的。",
        "Takes a new full-page screenshot and web archive from the marketplace; adds one, replaces none.",
    ),
    "capture.reason.timeout": ("超时", "timed out"),
    "capture.reason.block_page": ("遇到平台拦截页（验证或登录）", "block page (verification or login)"),
    "capture.reason.http_status": ("HTTP 错误状态", "HTTP error status"),
    "capture.reason.refused": ("地址超出平台范围，已拒绝", "address outside the platform, refused"),
    "capture.reason.download": ("地址是文件下载而非网页", "the address is a download, not a page"),
    "capture.reason.too_large": ("网页过大", "page too large"),
    "capture.reason.not_ready": ("网页未显示商品", "the page never showed the listing"),
    "capture.reason.cut_short": ("网页不完整", "the page was cut short"),
    "capture.reason.error_page": ("平台错误页", "the platform's error page"),
    "capture.reason.no_response": ("无响应", "no response"),
    "capture.reason.navigation": ("无法打开网页", "the page could not be opened"),
    "capture.reason.no_address": ("商品没有网址", "the listing has no address"),
    "capture.reason.nothing_captured": ("未取得内容", "nothing captured"),
    "lead.images": ("商品图片", "Listing images"),
    "lead.no_images": ("没有保存的商品图片。", "No stored listing images."),
    "lead.image_meta": (
        "抓取于 {time}，感知哈希 {phash}，SHA-256 {sha}…",
        "Fetched {time}, perceptual hash {phash}, SHA-256 {sha}…",
    ),
    "lead.seller_listings": ("该卖家的其他商品", "The seller's other listings"),
    "lead.seller_leads": ("该卖家的其他线索", "The seller's earlier leads"),
    "lead.none": ("无", "None"),
    "lead.audit": ("处理记录", "Audit trail"),
    "lead.history": ("处理进度", "Progress"),
    "lead.audit_time": ("时间", "Time"),
    "lead.audit_who": ("操作人", "Who"),
    "lead.audit_action": ("操作", "Action"),
    "lead.audit_note": ("备注", "Note"),
    "lead.system": ("系统", "system"),
    "lead.decide": ("处理决定", "Decision"),
    "lead.note_placeholder": ("备注（驳回时必填）", "Note (required to dismiss)"),
    "lead.evidence": ("下载证据包", "Download evidence packet"),
    "lead.evidence_witness": ("见证人（另一名执法人员的账号）", "Witness (a second officer's user name)"),
    "lead.read_only": (
        "您可以查看本线索，但无权作出处理决定。",
        "You can see this lead but not decide on it.",
    ),
    "lead.decided": ("已记录：{action}", "Recorded: {action}"),
    "lead.conflict": (
        "此线索已被修改：{who} 于 {when} 作了“{action}”，当前状态为“{status}”。",
        "This lead was changed: {who} did “{action}” at {when}; its status is now “{status}”.",
    ),
    "lead.changed_by_system": ("系统（重新评分）", "the system (re-scoring)"),
    "lead.confirm_escalate": (
        "确认上报此线索？上报后由上级审阅。",
        "Escalate this lead? It goes to a superior for review.",
    ),
    "lead.confirm_transfer": (
        "确认移送公安？移送后线索关闭，只有管理员可以凭理由重新打开，且不能再驳回。",
        "Transfer to the police? The lead is then closed: only an admin can reopen it, with a reason, "
        "and it can no longer be dismissed.",
    ),
    "lead.confirm_yes": ("确认{action}", "Yes: {action}"),
    "lead.confirm_no": ("取消", "Cancel"),
    "lead.closed": (
        "此线索已结案，只有管理员可以凭理由重新打开。",
        "This lead is closed; only an admin can reopen it, with a reason.",
    ),
    "lead.blacklisted_now": (
        "该卖家的确认线索已达 {n} 条，已列入黑名单。",
        "The seller now has {n} confirmed leads and is blacklisted.",
    ),
    # why a unified social credit code is invalid (review/uscc.py's reason codes)
    "uscc.empty": ("统一社会信用代码为空", "the unified social credit code is empty"),
    "uscc.length": (
        "统一社会信用代码应为 18 位，实际为 {length} 位",
        "a unified social credit code has 18 characters, this one has {length}",
    ),
    "uscc.character": (
        "第 {position} 位字符“{char}”不是统一社会信用代码允许的字符",
        "character {position} “{char}” is not allowed in a unified social credit code",
    ),
    "uscc.excluded_character": (
        "第 {position} 位字符“{char}”不是统一社会信用代码允许的字符（代码中不使用 I、O、Z、S、V）",
        "character {position} “{char}” is not allowed in a unified social credit code "
        "(codes never use I, O, Z, S or V)",
    ),
    "uscc.authority": (
        "第 1 位登记管理部门代码“{char}”不存在",
        "character 1: there is no registration authority “{char}”",
    ),
    "uscc.institution_type": (
        "第 2 位机构类别代码“{char}”不属于登记管理部门“{authority}”",
        "character 2: registration authority “{authority_code}” ({authority}) "
        "has no institution type “{char}”",
    ),
    "uscc.division_digits": (
        "第 3–8 位登记管理机关行政区划码“{division}”应为 6 位数字",
        "characters 3–8: the administrative division code “{division}” must be 6 digits",
    ),
    "uscc.division_unknown": (
        "第 3–8 位登记管理机关行政区划码“{division}”不是有效的行政区划代码",
        "characters 3–8: “{division}” is not a known administrative division code",
    ),
    "uscc.check_digit": (
        "校验码错误：第 18 位应为“{expected}”，实际为“{actual}”（可能有字符抄错）",
        "wrong check character: character 18 should be “{expected}”, not “{actual}” "
        "(a character may have been copied wrongly)",
    ),
    # brands and the portal
    "brands.title": ("品牌登记", "Brands"),
    "brands.mine": ("我的品牌", "My brands"),
    "brands.all": ("已登记品牌", "Registered brands"),
    "brands.name": ("主商标", "Primary mark"),
    "brands.aliases": ("其他标识（每行一个）", "Other forms (one per line)"),
    "brands.owner": ("权利人", "Owner"),
    "brands.registrations": (
        "注册号与尼斯分类（每行：注册号 类别；马德里国际注册在行末加“国际”）",
        "Registrations (one per line: number class; add “international” for a Madrid registration)",
    ),
    "brands.categories": ("商品类别（每行一个）", "Goods (one per line)"),
    "brands.price_floor": ("正品最低单价（元）", "Price floor (CNY)"),
    "brands.sellers": ("授权店铺（每行一个）", "Authorised shops (one per line)"),
    "brands.images": ("官方商品图片", "Official product images"),
    "brands.register": ("提交登记", "Submit registration"),
    "brands.submitted": ("已提交，等待管理员审批：{name}", "Submitted, waiting for approval: {name}"),
    "brands.refused": ("登记未通过校验：", "The registration was refused:"),
    "brands.exists": ("品牌“{name}”已存在，不能重复登记。", "A brand named “{name}” exists already."),
    "brands.bad_image": ("文件“{name}”不是可识别的图片。", "“{name}” is not an image."),
    "brands.status": ("状态", "Status"),
    "brands.none": ("尚无品牌。", "No brands yet."),
    "brands.new": ("登记新品牌", "Register a brand"),
    "approvals.title": ("品牌登记审批", "Brand approvals"),
    "approvals.none": ("没有待审批的登记。", "Nothing waits for approval."),
    "approvals.submitted_by": ("提交人：{name}", "Submitted by {name}"),
    "approvals.resembles": ("与已登记或待审批的商标近似：", "Resembles registered or pending marks:"),
    "approvals.no_resemblance": (
        "未发现与已登记或待审批的商标近似。",
        "Resembles no registered or pending mark.",
    ),
    "approvals.unavailable": ("近似比对暂不可用。", "The resemblance check is not available."),
    "approvals.approve": ("批准", "Approve"),
    "approvals.reject": ("拒绝", "Reject"),
    "approvals.note": ("审批意见", "Note"),
    "approvals.conflict": ("不能批准：", "Cannot be approved:"),
    "approvals.nice_class": ("第 {n} 类", "class {n}"),
    "approvals.price_floor": ("正品最低单价", "Price floor"),
    "approvals.none_given": ("未填写", "none given"),
    "approvals.international": ("国际注册", "international"),
    "approvals.resembles_pending": ("待审批", "pending"),
    "brands.resembles": (
        "提示：您登记的商标与下列已登记或待审批的商标近似，管理员审批时会看到此提示：",
        "Note: the marks you registered resemble these registered or pending marks; the administrator "
        "will see this when deciding:",
    ),
    "brands.too_large": ("文件“{name}”大于 5 MB。", "“{name}” is larger than 5 MB."),
    "field.name": ("主商标", "primary mark"),
    "field.aliases": ("其他标识", "other forms"),
    "field.owner": ("权利人", "owner"),
    "field.number": ("注册号", "registration number"),
    "field.categories": ("商品类别", "goods"),
    "field.authorized_sellers": ("授权店铺", "authorised shops"),
    "field.official_images": ("官方图片", "official images"),
    "registry.not_text": ("“{field}”须为文字", "the {field} must be text"),
    "registry.empty": ("“{field}”不能为空", "the {field} is empty"),
    "registry.too_long": ("“{field}”超过 {limit} 个字符", "the {field} is longer than {limit} characters"),
    "registry.alias_is_name": (
        "其他标识“{alias}”与主商标相同，请删除",
        "the other form “{alias}” repeats the primary mark; remove it",
    ),
    "registry.lacks_class": (
        "注册号“{number}”缺少尼斯分类：每行写“注册号 类别”，如 12216619 25",
        "the registration “{number}” has no Nice class: write “number class” on each line, e.g. 12216619 25",
    ),
    "registry.number": (
        "注册号“{number}”不是商标局的注册号：应为 6–9 位数字（如 12216619）；"
        "马德里国际注册请在该行末尾写“国际”",
        "“{number}” is not a CNIPA registration number: write its 6–9 digits (e.g. 12216619); for a "
        "Madrid international registration add “international” at the end of the line",
    ),
    "registry.international_number": (
        "国际注册号“{number}”格式不对：请按世界知识产权组织的注册号填写（如 1234567）",
        "the international registration number “{number}” is not one: write the WIPO number (e.g. 1234567)",
    ),
    "registry.nice_class": (
        "尼斯分类“{value}”无效：应为 1–45 的整数",
        "“{value}” is not a Nice class: use a whole number from 1 to 45",
    ),
    "registry.price_not_number": (
        "正品最低单价应为数字（元），如 3.5，而不是“{value}”",
        "the price floor must be a number of yuan (e.g. 3.5), not “{value}”",
    ),
    "registry.price_negative": (
        "正品最低单价不能为负数：{value}",
        "the price floor cannot be negative: {value}",
    ),
    # a registry file's problems the form cannot have, and the file's wording where the form's would
    # mislead (``.in_file``, review.registrations.problem_text)
    "registry.lacks_class.in_file": (
        '注册号“{number}”缺少 nice_class（尼斯分类）：每条注册写成 {{number: "12216619", nice_class: 25}}',
        "the registration “{number}” lacks nice_class: write each registration as "
        '{{number: "12216619", nice_class: 25}}',
    ),
    "registry.number.in_file": (
        "注册号“{number}”不是商标局的注册号：只写 6–9 位数字（如 12216619）；"
        "马德里国际注册请加 international: true",
        "“{number}” is not a CNIPA registration number: write its 6–9 digits only (e.g. 12216619); for a "
        "Madrid international registration add `international: true`",
    ),
    "registry.not_utf8": (
        "文件不是 UTF-8 文本（第 {byte} 字节）：请以 UTF-8 编码保存",
        "not UTF-8 text (byte {byte}); save the file as UTF-8",
    ),
    "registry.broken_yaml": ("YAML 语法错误（{problem}），请修正", "broken YAML: {problem}; fix the syntax"),
    "registry.unsafe_yaml": (
        "不接受的 YAML 写法：不能使用别名（*name），列表和映射也不能嵌套过深，请直接写出各项的值",
        "YAML that is not allowed here: {problem}",
    ),
    "registry.file_empty": (
        "文件为空：顶层须有 brands: 列表",
        "the file is empty; it needs a top-level `brands:` list",
    ),
    "registry.no_brands": ("缺少顶层的 brands: 列表", "missing the top-level `brands:` list"),
    "registry.brands_not_list": (
        "brands 须为品牌列表（每项以 - name: ... 开头）",
        "`brands` must be a list of brands (each item starting with `- name: ...`)",
    ),
    "registry.not_mapping": ("此处须为“键: 值”形式的若干行", "this must be a mapping of `key: value` lines"),
    "registry.key_not_word": ("键须为单词（如 name）", "a key must be a word such as `name`"),
    "registry.unknown_key": (
        "未知的键“{word}”；可用的键：{allowed}",
        "unknown key `{word}`; allowed keys: {allowed}",
    ),
    "registry.unknown_key_hint": (
        "未知的键“{word}”（是否应为“{hint}”？）",
        "unknown key `{word}` (did you mean `{hint}`?)",
    ),
    "registry.key_twice": ("键“{word}”出现了两次，请只保留一个", "key `{word}` appears twice; keep one"),
    "registry.no_name": (
        "品牌缺少 name：每个品牌都须以 name: 写明其主商标",
        "a brand has no `name`: every brand needs its primary mark as `name:`",
    ),
    "registry.not_list": ("此处须为列表，如 [a, b]", "this must be a list, e.g. `[a, b]`"),
    "registry.registrations_not_list": (
        "registrations 须为 {number, nice_class} 的列表",
        "`registrations` must be a list of {number, nice_class}",
    ),
    "registry.not_flag": (
        "注册的“{word}”须为 true 或 false",
        "`{word}` of a registration must be true or false",
    ),
    "registry.image_needs_file": (
        "官方图片“{image}”：图片须随磁盘上的品牌库文件提供",
        "official image “{image}”: images need a registry file on disk",
    ),
    "registry.image_outside": (
        "官方图片“{image}”不在品牌库文件所在的文件夹内：请把图片放在文件旁边，并写相对路径",
        "official image “{image}” lies outside the registry file's folder; put the image beside the file "
        "and give a relative path",
    ),
    "registry.no_image": ("官方图片“{image}”不存在", "official image “{image}” does not exist"),
    "registry.not_image": (
        "官方图片“{image}”不是图片（应为 JPEG、PNG、WebP 等）",
        "official image “{image}” is not an image (JPEG, PNG, WebP…)",
    ),
    "profile.missing_key": ("缺少必填的键“{word}”", "missing required key '{word}'"),
    "profile.no_start": (
        "请写 start_urls（浏览商品目录的起点）或 search_url，或两者都写",
        "give start_urls (where the catalogue walk begins), search_url, or both",
    ),
    "profile.not_single": ("此处须为单个值", "this must be a single value"),
    "profile.empty": ("此处不能为空", "this is empty"),
    "profile.not_text": ("此处须为文字，而不是 {value}", "this must be text, not {value}"),
    "profile.file_empty": (
        "文件为空：平台配置至少需要 name、base_url、render、list、detail 这几个键",
        "the file is empty; a profile needs at least name, base_url, render, list, detail",
    ),
    "profile.bad_name": (
        "名称“{name}”无效：只能用小写字母、数字、- 和 _（如 demo-static）",
        "name '{name}': use lower-case letters, digits, - and _ (like demo-static)",
    ),
    "profile.bad_base_url": (
        "base_url 须为 http(s) 地址，如 http://127.0.0.1:8801，而不是 {value}",
        "base_url must be an http(s) address like http://127.0.0.1:8801, not {value}",
    ),
    "profile.bad_render": (
        "render 须为 http 或 browser，而不是 {value}",
        "render must be 'http' or 'browser', not {value}",
    ),
    "profile.not_flag": (
        "{where} 须为 true 或 false，而不是 {value}",
        "{where} must be true or false, not {value}",
    ),
    "profile.not_number": ("{where} 须为数字，而不是 {value}", "{where} must be a number, not {value}"),
    "profile.negative": ("{where} 不能为负数", "{where} must not be negative"),
    "profile.concurrency_zero": (
        "politeness.concurrency 至少为 1",
        "politeness.concurrency must be at least 1",
    ),
    "profile.bad_currency": (
        "currency 须为 ISO 4217 货币代码（如 CNY 或 GBP），而不是 {value}",
        "currency must be an ISO 4217 code such as CNY or GBP, not {value}",
    ),
    "profile.bad_schedule": (
        "schedule 须为一行 crontab 时间表，如 '0 2 * * *'（{problem}）",
        "schedule must be a crontab line like '0 2 * * *' ({problem})",
    ),
    "profile.bad_selector": (
        "{where}：不是有效的 {kind} 选择器（{problem}）",
        "{where}: not a valid {kind} selector ({problem})",
    ),
    "profile.not_selectors": (
        "{where} 须为一个选择器或选择器列表",
        "{where} must be a selector or a list of selectors",
    ),
    "profile.hosts_not_list": (
        "{where} 须为主机名列表，如 [item.example.cn, '*.example.cn']",
        "{where} must be a list of host names like [item.example.cn, '*.example.cn']",
    ),
    "profile.bad_host": (
        "{where}：“{host}”不是主机名（应如 item.example.cn，不带 http:// 等协议，也不带路径）",
        "{where}: '{host}' is not a host name like item.example.cn (no scheme, no path)",
    ),
    "profile.bad_regex": (
        "{where}：不是有效的正则表达式（{problem}）",
        "{where}: not a valid regular expression ({problem})",
    ),
    "profile.not_http": (
        "{where}：只抓取 http 和 https 地址，不支持 {value}",
        "{where}: only http and https addresses are crawled, not {value}",
    ),
    "profile.start_urls_not_list": (
        "start_urls 须为地址列表（完整地址，或 base_url 下的路径）",
        "start_urls must be a list of addresses (absolute, or paths on base_url)",
    ),
    "profile.search_url_query": (
        "search_url 须包含 {query}，标明搜索词放在哪里",
        "search_url must contain {query} where the search words go",
    ),
    "profile.detail_urls_not_list": (
        "detail_urls 须为商品页地址列表",
        "detail_urls must be a list of product page addresses",
    ),
    "profile.browser_only": (
        "{where} 只用于浏览器渲染的页面：请设置 render: browser，或删除这个键",
        "{where} is for browser-rendered pages; set render: browser or remove it",
    ),
    "profile.no_items": (
        "缺少 list.items（指向商品详情页的链接）或 list.results（每条结果）",
        "missing list.items (the links to detail pages) or list.results (each result)",
    ),
    "profile.results_need_link": (
        "list.results 需要 list.link：每条结果所在页面的地址",
        "list.results needs list.link: where each result's page is",
    ),
    "profile.outside_results": (
        "list.link 和 list.fields 是在 list.results 的每条结果里读取的，请同时写 list.results",
        "list.link and list.fields are read inside list.results",
    ),
    "profile.only_needs_id": (
        "list.only 需要 list.fields.id：商品的编号",
        "list.only needs list.fields.id: the listing's id",
    ),
    "profile.link_placeholder": (
        "list.link：未知的占位符 {{{name}}}；请用 list.fields 中的一个（{known}）",
        "list.link: unknown placeholder {{{name}}}; name one of list.fields ({known})",
    ),
    "profile.link_placeholder_no_fields": (
        "list.link：未知的占位符 {{{name}}}；占位符须为 list.fields 中的字段，但尚未定义任何字段",
        "list.link: unknown placeholder {{{name}}}; name one of list.fields (none defined)",
    ),
    "profile.missing_detail": ("缺少 detail.{word}", "missing detail.{word}"),
    "profile.no_title": (
        "缺少 detail.fields.title：没有标题的商品无法使用",
        "missing detail.fields.title: a listing without a title cannot be used",
    ),
    "profile.currency_is_selector": (
        "{where}：“{text}”会被当作 CSS 选择器（元素 <{text}>）；固定的货币请写成 {{const: {text}}}",
        "{where}: '{text}' would be read as a CSS selector (an element <{text}>); "
        "a fixed currency is written {{const: {text}}}",
    ),
    "profile.empty_chain": (
        "{where}：列表为空；请至少给出一个选择器",
        "{where}: an empty list; give at least one selector",
    ),
    "profile.no_const": (
        "{where}：此处不能用常量，须从页面读取",
        "{where}: a constant is not allowed here; it must be read from the page",
    ),
    # a field's sources (crawler.extract.SpecError)
    "profile.source.empty_list": (
        "{where}：列表为空；请至少给出一个选择器",
        "{where}: an empty list: give at least one selector",
    ),
    "profile.source.empty_selector": ("{where}：选择器为空", "{where}: an empty selector"),
    "profile.source.not_source": (
        "{where}：此处须为选择器（文字）或 {{css: ...}} 这样的映射，而不是 {value}",
        "{where}: a selector (text) or a mapping such as {{css: ...}} is needed, not {value}",
    ),
    "profile.source.unknown_key": (
        "{where}：未知的键“{word}”（来源：{sources}；处理：{processing}）",
        "{where}: unknown key '{word}' (sources: {sources}; processing: {processing})",
    ),
    "profile.source.one_kind": (
        "{where}：{kinds} 须写且只写其中一个（现有 {found} 个）",
        "{where}: give exactly one of {kinds} (found {found})",
    ),
    "profile.source.selector_needed": (
        "{where}：此处不能用 {kind}，须为选择器或 JSON 路径",
        "{where}: {kind} is not allowed here: this needs a selector or a JSON path",
    ),
    "profile.source.url_true": (
        "{where}：请写 `url: true`（页面的地址，通常与 `re:` 一起用）",
        "{where}: write `url: true` (the page's address, usually with `re:`)",
    ),
    "profile.source.const_type": (
        "{where}：常量须为文字或数字，而不是 {value}",
        "{where}: a constant must be text or a number, not {value}",
    ),
    "profile.source.empty_expr": (
        "{where}：{kind} 须为非空的文字",
        "{where}: {kind} must be a non-empty text",
    ),
    "profile.source.xpath_under_css": (
        "{where}：XPath 请写在 `xpath:` 下，不要写在 `css:` 下",
        "{where}: write XPath under `xpath:`, not `css:`",
    ),
    "profile.source.bad_jmespath": (
        "{where}：不是有效的 JMESPath（{problem}）",
        "{where}: not a valid JMESPath ({problem})",
    ),
    "profile.source.script_needs_json": (
        "{where}：script: 只能用于 json 来源",
        "{where}: script: belongs to a json source",
    ),
    "profile.source.script_not_regex": (
        "{where}：script 须为正则表达式（JSON 开始之前的那段文字）",
        "{where}: script must be a regex (the text after which the JSON starts)",
    ),
    "profile.source.re_not_text": (
        "{where}：re 须为正则表达式（文字）",
        "{where}: re must be a regular expression (text)",
    ),
    "profile.source.bad_strip": (
        "{where}：strip 须为 true 或要去掉的字符",
        "{where}: strip must be true or the characters to strip",
    ),
    "profile.source.bad_join": (
        '{where}：join 须为插在各个匹配之间的文字（空格写 " "）',
        '{where}: join must be the text put between matches (" " for a space)',
    ),
    "profile.source.not_flag": (
        "{where}：{flag} 须为 true 或 false",
        "{where}: {flag} must be true or false",
    ),
    "profile.source.visible_needs_selector": (
        "{where}：visible 只用于由 css 或 xpath 选择器找到的元素",
        "{where}: visible applies to elements found by a css or xpath selector",
    ),
    "profile.source.bad_regex": (
        "{where}：{pattern} 不是有效的正则表达式（{problem}）",
        "{where}: not a valid regular expression {pattern} ({problem})",
    ),
    "profile.source.bad_replace": (
        '{where}：replace 须为 [正则表达式, 替换文字] 或由它们组成的列表，如 ["_\\\\d+x\\\\d+", ""]',
        '{where}: replace is [regex, replacement] or a list of them, e.g. ["_\\\\d+x\\\\d+", ""]',
    ),
    "profile.template_no_placeholder": (
        "{where}.template 没有 {{占位符}}；请改用选择器",
        "{where}.template has no {{placeholder}}; use a selector instead",
    ),
    "profile.no_pages_url": (
        "缺少 {where}.url：第 {{page}} 页或偏移 {{offset}} 处的地址",
        "missing {where}.url: the address of page {{page}} or at {{offset}}",
    ),
    "profile.pages_placeholder": (
        "{where}.url：未知的占位符 {{{name}}}；请用 {{page}}、{{offset}} 或 {{query}}",
        "{where}.url: unknown placeholder {{{name}}}; use {{page}}, {{offset}} or {{query}}",
    ),
    "profile.pages_no_number": (
        "{where}.url 须包含 {{page}} 或 {{offset}}",
        "{where}.url needs {{page}} or {{offset}}",
    ),
    "profile.pages_query_no_search": (
        "{where}.url 使用了 {{query}}，但平台配置没有 search_url",
        "{where}.url uses {{query}} but the profile has no search_url",
    ),
    "profile.pages_number": (
        "{where} 须为不小于 {least} 的整数",
        "{where} must be a whole number of at least {least}",
    ),
    "registry.duplicate_name": (
        "品牌名称“{name}”重复：第 {line} 行已有该品牌；一个名称只能对应一个品牌，请合并这两条",
        "duplicate name “{name}”: the brand is already at line {line}; a name identifies one brand — merge "
        "the two entries",
    ),
    "marks.shared_overlap": (
        "商标“{mark}”也属于品牌“{other}”（{where}），双方都在第 {classes} 类；"
        "同一商标只能由尼斯分类互不重叠的品牌共用",
        "the mark “{mark}” also belongs to brand “{other}” ({where}), and both cover Nice class "
        "{classes}; a mark may be shared only by brands whose classes do not overlap",
    ),
    "marks.shared_no_class": (
        "商标“{mark}”也属于品牌“{other}”（{where}），而品牌“{missing}”未填写尼斯分类；"
        "共用商标的品牌须写明各自的类别且互不重叠",
        "the mark “{mark}” also belongs to brand “{other}” ({where}), and brand “{missing}” lists no "
        "Nice class; brands sharing a mark must list their classes, and these must not overlap",
    ),
    # blacklist, digest, status
    "blacklist.title": ("卖家黑名单", "Blacklisted sellers"),
    "blacklist.none": ("黑名单为空。", "No seller is blacklisted."),
    "blacklist.since": ("列入时间", "Since"),
    "blacklist.leads": ("依据线索", "Leads"),
    "digest.title": ("监测日报", "Daily digest"),
    "digest.chart": ("近 30 天每日新增线索（按违法类型）", "New leads per day, last 30 days, by violation"),
    "digest.total": ("30 天合计 {n} 条", "{n} in 30 days"),
    "digest.day": ("日期", "Day"),
    "status.title": ("系统状态", "Status"),
    "status.jobs": ("任务运行记录", "Job runs"),
    "status.schedule": ("计划任务", "Scheduled jobs"),
    "status.trigger": ("计划", "Schedule"),
    "status.next_run": ("下次运行", "Next run"),
    "status.last_run": ("上次运行", "Last run"),
    "status.never_ran": ("尚未运行", "never ran"),
    "status.no_schedule": (
        "尚未安排计划任务：运行 markwatch run 时会安排。",
        "Nothing scheduled yet: markwatch run installs the schedule.",
    ),
    "status.no_jobs": ("尚无任务运行记录。", "No job has run yet."),
    "status.job": ("任务", "Job"),
    "status.started": ("开始", "Started"),
    "status.finished": ("结束", "Finished"),
    "status.outcome": ("结果", "Outcome"),
    "status.error": ("错误", "Error"),
    "status.counts": ("数据统计", "Counts"),
    "status.routing": ("违法类型与承办处室", "Routing: violation → department"),
    "routing.criminal_threshold": (
        "达到刑事追诉标准（涉案金额）",
        "criminal threshold reached (estimated sales)",
    ),
    "status.public_key": ("证据包签名公钥（Ed25519）", "Evidence signing public key (Ed25519)"),
    "status.fingerprint": (
        "指纹（在其他机器上核验证据包时，填入 markwatch evidence verify --key）",
        "Fingerprint (give it to markwatch evidence verify --key on another machine)",
    ),
    "status.key_na": ("证据包功能尚未安装。", "Evidence packets are not installed."),
    "stat.brands": ("品牌数", "brands"),
    "stat.brands_pending": ("待审批品牌", "brands pending"),
    "stat.platforms": ("平台数", "platforms"),
    "stat.listings": ("商品数", "listings"),
    "stat.snapshots": ("快照数", "snapshots"),
    "stat.screenshots": ("截图数", "screenshots"),
    "stat.crawl_runs": ("采集次数", "crawl runs"),
    # exports (column headers)
    "col.id": ("线索编号", "Lead"),
    "col.risk": ("风险", "Risk"),
    "col.status": ("状态", "Status"),
    "col.violation": ("违法类型", "Violation"),
    "col.department": ("承办处室", "Department"),
    "col.brand": ("品牌", "Brand"),
    "col.platform": ("平台", "Platform"),
    "col.title": ("商品标题", "Title"),
    "col.url": ("商品链接", "Listing URL"),
    "col.currency": ("币种", "Currency"),
    "col.link": ("线索页面", "Lead page"),
    "col.price": ("价格", "Price"),
    "col.sold": ("销量", "Sold"),
    "col.seller": ("卖家", "Seller"),
    "col.flagged": ("标记时间（北京时间）", "Flagged (Beijing time)"),
    "col.transfer": ("达刑事标准", "Criminal threshold"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # --- daybook: the digest, the status page, the command line (one block, to ease merges) ---
    "digest.heading": ("markwatch 监测日报 · {day}", "markwatch daily digest · {day}"),
    "digest.window": (
        "统计区间：{since} 至 {until}（北京时间）。",
        "Period: {since} to {until} (Beijing time).",
    ),
    "digest.new_total": ("新线索共 {n} 条。", "{n} new leads."),
    "digest.facets": ("新线索分布", "New leads by"),
    "digest.count": ("新线索数", "New leads"),
    "digest.none_value": ("（无）", "(none)"),
    "digest.nothing": ("无", "none"),
    "digest.top": ("高风险新线索", "Riskiest new leads"),
    "digest.no_new": ("无新线索", "No new leads"),
    "digest.health": ("采集情况", "Crawl health"),
    "digest.health_none": ("统计区间内没有采集任务", "No crawl ran in this period"),
    "digest.per_day": ("逐日数字", "Day by day"),
    "digest.files": ("日报文件", "Digest files"),
    "digest.files_none": (
        "尚未生成日报文件：计划任务每天生成，或运行 markwatch run --once。",
        "No digest file yet: the schedule writes one every day, or run markwatch run --once.",
    ),
    "digest.file_html": ("网页（HTML）", "page (HTML)"),
    "digest.file_xlsx": ("表格（Excel）", "spreadsheet (XLSX)"),
    "digest.sheet_new": ("新线索", "New leads"),
    "digest.sheet_by": ("按{facet}", "By {facet}"),
    "digest.sheet_trend": ("30天趋势", "30-day trend"),
    "digest.mail_subject": (
        "markwatch 监测日报 {day}：新线索 {n} 条",
        "markwatch daily digest {day}: {n} new leads",
    ),
    "digest.mail_body": ("新线索 {n} 条，详见附件。", "{n} new leads; the spreadsheet is attached."),
    "col.price_yuan": ("价格（元）", "Price (CNY)"),
    "health.platform": ("平台", "Platform"),
    "health.runs": ("采集次数", "Crawls"),
    "health.pages": ("页面", "Pages"),
    "health.items": ("商品", "Listings"),
    "health.blocks": ("拦截", "Blocked"),
    "health.errors": ("错误", "Errors"),
    "health.status": ("最近状态", "Last status"),
    "run.finished": ("完成", "finished"),
    "run.failed": ("失败", "failed"),
    "run.interrupted": ("中断", "interrupted"),
    "run.running": ("进行中", "running"),
    "outcome.ok": ("成功", "succeeded"),
    "outcome.failed": ("失败", "failed"),
    "outcome.running": ("运行中", "running"),
    "outcome.none": ("尚未运行", "never ran"),
    "job.crawl": ("采集 {platform}", "crawl {platform}"),
    "job.score": ("评分与入队", "score and queue"),
    "job.digest": ("生成监测日报", "write the daily digest"),
    "job.retention": ("清理过期快照", "prune old snapshots"),
    "job.capture": ("证据截取", "evidence captures"),
    "schedule.daily": ("每天 {times}", "daily at {times}"),
    "schedule.hourly": ("每小时第 {minute} 分", "hourly at minute {minute}"),
    "schedule.every_hours": ("每 {n} 小时（第 {minute} 分）", "every {n} hours (at minute {minute})"),
    "schedule.every_minutes": ("每 {n} 分钟", "every {n} minutes"),
    "schedule.every_seconds": ("每 {n} 秒", "every {n} seconds"),
    "schedule.cron": ("按 cron 表达式“{expr}”", "on the cron schedule “{expr}”"),
    "schedule.none": ("未安排", "not scheduled"),
    "list.sep": ("、", ", "),
    # the command line (markwatch.py): what each command prints, its errors, its progress bars
    "cli.error": ("错误：", "error: "),
    "cli.internal_error": ("内部错误：", "internal error: "),
    "cli.bug": (
        "这是 markwatch 的程序错误：请加 --debug 重新运行以查看调用栈，并报告此问题",
        "this is a bug in markwatch; rerun with --debug for the traceback and report it",
    ),
    "cli.aborted": ("已中止", "aborted"),
    "cli.interrupted": ("已中断", "interrupted"),
    "cli.bad_lang": (
        "--lang {value}：请用 zh（中文）或 en（English）",
        "--lang {value}: use zh (Chinese) or en (English)",
    ),
    "cli.db_current": (
        "数据库 {where} 已是最新版本（{revision}）",
        "database {where} is up to date (revision {revision})",
    ),
    "cli.db_migrated": (
        "数据库 {where} 已升级：{before} → {after}",
        "database {where} migrated: {before} → {after}",
    ),
    "cli.db_empty": ("空库", "empty"),
    "cli.brands_imported": (
        "已从 {file} 导入品牌 {total} 个：新增 {new} 个，更新 {updated} 个，未变 {unchanged} 个",
        "imported {total} brand(s) from {file}: {new} new, {updated} updated, {unchanged} unchanged",
    ),
    "cli.brands_would_import": (
        "试运行：将从 {file} 导入品牌 {total} 个：新增 {new} "
        "个，更新 {updated} 个，未变 {unchanged} 个（未写入）",
        "would import {total} brand(s) from {file}: {new} new, {updated} updated, {unchanged} unchanged",
    ),
    "cli.brands_count": ("共 {n} 个品牌", "{n} brand(s)"),
    "cli.col_aliases": ("其他标识", "Aliases"),
    "cli.col_classes": ("尼斯分类", "Nice classes"),
    "cli.col_price_floor": ("正品最低单价", "Price floor"),
    "cli.no_brand": (
        "没有名为“{name}”的品牌；用 markwatch brands list 查看已登记的品牌",
        "no brand named '{name}'; markwatch brands list shows the registered ones",
    ),
    "cli.brand_status": ("# 状态：{status}", "# status: {status}"),
    "cli.wrote": ("已写入 {file}", "wrote {file}"),
    "cli.no_brands_to_score": (
        "没有可比对的品牌：请先导入品牌库（markwatch brands import），或用 --brands 指定",
        "no brands to score against: import a registry (markwatch brands import) or pass --brands",
    ),
    "cli.cannot_read": ("无法读取 {file}：{reason}", "cannot read {file}: {reason}"),
    "cli.cannot_write": ("无法写入 {file}：{reason}", "cannot write {file}: {reason}"),
    "cli.scored": ("已评分 {scored} 条，标记 {flagged} 条", "scored {scored} listing(s), {flagged} flagged"),
    "cli.scored_queued": ("，新入队 {queued} 条", ", {queued} queued"),
    "cli.scored_failed": (
        "；{failed} 行无法读取（见其错误记录）",
        "; {failed} line(s) failed (see their error records)",
    ),
    "cli.risk": ("风险 {risk}", "risk {risk}"),
    "cli.stat_leads": ("线索：{status}", "leads: {status}"),
    "cli.stat_job": ("任务：{job}", "job: {job}"),
    "cli.stat_job_run": ("{outcome}（{when}）", "{outcome} at {when}"),
    "cli.col_count": ("数量", "Count"),
    "cli.col_platform": ("平台", "Platform"),
    "cli.col_title": ("名称", "Title"),
    "cli.col_render": ("渲染", "Render"),
    "cli.col_crawled": ("采集", "Crawled"),
    "cli.col_address": ("地址", "Address"),
    "cli.col_listings": ("商品数", "Listings"),
    "cli.col_last_crawl": ("最近采集", "Last crawl"),
    "cli.enabled": ("启用", "enabled"),
    "cli.disabled": ("停用", "disabled"),
    "cli.no_profile": ("（无配置）", "(no profile)"),
    "cli.never": ("从未", "never"),
    "cli.platform_added": ("已添加平台 {name}（{render}，{url}）", "added platform {name} ({render}, {url})"),
    "cli.platform_updated": (
        "已更新平台 {name}（{render}，{url}）",
        "updated platform {name} ({render}, {url})",
    ),
    "cli.platform_enabled": ("已启用平台 {name}", "platform {name} enabled"),
    "cli.platform_was_enabled": ("平台 {name} 本已启用", "platform {name} was already enabled"),
    "cli.platform_disabled": ("已停用平台 {name}", "platform {name} disabled"),
    "cli.platform_was_disabled": ("平台 {name} 本已停用", "platform {name} was already disabled"),
    "cli.listings_exported": ("已导出商品 {n} 条", "{n} listing(s) exported"),
    "cli.listings_exported_to": ("已导出商品 {n} 条到 {file}", "{n} listing(s) exported to {file}"),
    "cli.bad_since": (
        "--since “{value}”：请给出日期或时间，如 2026-12-01 或 2026-12-01T08:00，或 24h / 7d",
        "--since “{value}”: give a date or time like 2026-12-01 or 2026-12-01T08:00, or 24h / 7d",
    ),
    "cli.not_a_profile": (
        "{ref}：既不是平台配置文件，也不是内置平台",
        "{ref}: neither a profile file nor a built-in platform",
    ),
    "cli.bad_url": (
        "--url “{value}”：请给出 http(s) 地址或路径，如 /item/1",
        "--url “{value}”: give an http(s) address or a path such as /item/1",
    ),
    "cli.url_alone": (
        "--url 只采集给定页面，不能与 --query 或 --distributed 同用",
        "--url crawls the given pages only: it cannot be combined with --query or --distributed",
    ),
    "cli.warning": ("警告：{text}", "warning: {text}"),
    "cli.no_demo_platform": (
        "没有演示平台“{name}”；可选：{choices}",
        "no demo platform “{name}”; choose one of: {choices}",
    ),
    "cli.model_too_few": (
        "处理决定 {n} 条（确认 {upheld} 条，驳回 {dismissed}"
        " 条）：不足以学习（至少 {least} 条，且两类都要有）；"
        "评分器沿用现有权重",
        "{n} decision(s) ({upheld} upheld, {dismissed} dismissed): too few to learn from (at least {least}, "
        "with both kinds); the scorer keeps its current weights",
    ),
    "cli.model_fitted": (
        "模型 {version} 已从 {n} 条处理决定（确认 {upheld} 条）学得；阈值 {threshold}；下次评分起使用",
        "model {version} learned from {n} decision(s) ({upheld} upheld); threshold {threshold}; "
        "used from the next scoring on",
    ),
    "cli.no_jobs": (
        "尚无计划任务：运行 markwatch run 时会安排",
        "no jobs yet: markwatch run installs the schedule",
    ),
    "cli.serving": (
        "审核系统：http://{host}:{port}/（接口文档 /docs）；按 Ctrl-C 停止",
        "markwatch review app on http://{host}:{port}/ (API docs at /docs); Ctrl-C stops it",
    ),
    "cli.password_short": ("密码至少需要 8 个字符", "the password must have at least 8 characters"),
    "cli.user_added": ("已添加用户 {name}（{role}）", "added user {name} ({role})"),
    "cli.user_added_brands": (
        "已添加用户 {name}（{role}），品牌：{brands}",
        "added user {name} ({role}) for {brands}",
    ),
    "cli.one_time_password": ("一次性密码：{password}", "one-time password: {password}"),
    "cli.no_user": (
        "没有名为“{name}”的用户；用 markwatch users list 查看，或用 markwatch users add 添加",
        "no user named '{name}'; markwatch users list shows them, markwatch users add adds one",
    ),
    "cli.user_line": (
        "{name}\t{role}{brands}\t{state}\tAPI 令牌 {tokens} 个",
        "{name}\t{role}{brands}\t{state}\t{tokens} token(s)",
    ),
    "cli.user_disabled": (
        "已停用 {name}：其全部登录已失效，API 令牌不再可用",
        "disabled {name}: every session ended, its API tokens no longer work",
    ),
    "cli.user_enabled": ("已启用 {name}", "enabled {name}"),
    "cli.password_set": (
        "已设置 {name} 的密码；{name} 的全部登录已失效",
        "password of {name} set; every session of {name} ended",
    ),
    "cli.no_token": ("{name} 没有 API 令牌", "{name} has no API token"),
    "cli.token_line": (
        "{prefix}…\t{state}\t创建于 {created}\t最近使用 {used}",
        "{prefix}…\t{state}\tcreated {created}\tlast used {used}",
    ),
    "cli.token_revoked": ("已吊销", "revoked"),
    "cli.token_active": ("有效", "active"),
    "cli.never_used": ("从未使用", "never used"),
    "cli.prefix_or_all": (
        "请给出令牌前缀（见 markwatch users tokens NAME）或 --all，二者只能选一",
        "give a token prefix (see markwatch users tokens NAME) or --all, not both",
    ),
    "cli.tokens_revoked": (
        "已吊销 {name} 的令牌 {n} 个：{prefixes}",
        "revoked {n} token(s) of {name}: {prefixes}",
    ),
    "cli.packet_exists": (
        "{file} 已存在；请用 --out 另选文件名（证据包从不覆盖）",
        "{file} already exists; choose another --out (a packet is never overwritten)",
    ),
    "cli.no_directory": ("目录 {dir} 不存在，无法写入证据包", "no directory {dir} to write the packet into"),
    "cli.no_active_user": (
        "--as {name}：没有这个有效的 markwatch 用户",
        "--as {name}: no active markwatch user of that name",
    ),
    "cli.packet_written": (
        "已写入 {file}（{size} 字节）；签名密钥指纹 {key}",
        "wrote {file} ({size} bytes); signed by key {key}",
    ),
    "cli.no_such_file": ("{option} {file}：文件不存在", "{option} {file}: no such file"),
    "cli.not_a_packet": (
        "{file} 不是 markwatch 证据包：{problems}",
        "{file} is not a markwatch evidence packet: {problems}",
    ),
    "cli.col_job": ("任务", "Job"),
    "cli.col_schedule": ("计划", "Schedule"),
    "cli.col_next_run": ("下次运行", "Next run"),
    "cli.col_last_run": ("上次运行", "Last run"),
    "cli.col_outcome": ("结果", "Outcome"),
    # the command line's help (`markwatch … --help`): every command's and every option's description,
    # resolved when help is shown (markwatch._SpokenHelp); tests/test_cli_help.py checks both languages
    "cli.help.markwatch": (
        "监测电商平台上仿冒、傍名牌商品，保护已登记品牌。",
        "Watch marketplaces for counterfeit and lookalike (傍名牌) listings of protected brands.",
    ),
    "cli.help.version": ("显示版本号。", "Print the version."),
    "cli.help.debug": (
        "出错时显示完整的调用栈（供开发人员排查）。",
        "Show a traceback when something fails.",
    ),
    "cli.help.lang": (
        "zh 或 en：markwatch 输出所用的语言（默认中文；LANG=en* 时为英文）。须写在子命令之前。",
        "zh or en: the language markwatch prints in (default Chinese; English under LANG=en*). "
        "Give it before the command.",
    ),
    "cli.help.help_option": ("显示本帮助并退出。", "Show this message and exit."),
    "cli.help.json": ("输出 JSON，供脚本读取。", "JSON for scripts."),
    "cli.help.platform_name": (
        "平台名称（见 markwatch platforms list）。",
        "The platform's name (see `markwatch platforms list`).",
    ),
    "cli.help.trust_proxy": (
        "信任其 X-Forwarded-* 请求头的代理地址（可重复）。",
        "Address of a proxy whose X-Forwarded-* headers to trust (repeatable).",
    ),
    "cli.help.case_id": ("案件编号（MW-C-<编号> 或 <编号>）。", "The case number (MW-C-<id> or <id>)."),
    "cli.help.db": ("建立或迁移数据库。", "Create or migrate the database."),
    "cli.help.db.upgrade": (
        "建立数据库，或将其迁移到本版本的结构。",
        "Create the database, or migrate it to this version's schema.",
    ),
    "cli.help.brands": (
        "品牌库：导入、列出、查看、导出。",
        "The brand registry: import, list, show, export.",
    ),
    "cli.help.brands.import": (
        "导入品牌库文件：全部导入，或在任一条目有误时一条也不导入。",
        "Load a brand registry file: all of it, or nothing when any entry is wrong.",
    ),
    "cli.help.brands.import.file": (
        "品牌库文件（YAML），格式见 docs/formats.md。",
        "Registry file (YAML), see docs/formats.md.",
    ),
    "cli.help.brands.import.dry_run": (
        "只校验并报告，不写入任何内容。",
        "Validate and report; write nothing.",
    ),
    "cli.help.brands.list": (
        "列出全部已登记品牌及其商标和状态。",
        "Every registered brand with its marks and status.",
    ),
    "cli.help.brands.show": (
        "以品牌库文件的格式显示一个品牌登记的全部内容。",
        "Everything registered for one brand, in registry-file form.",
    ),
    "cli.help.brands.show.name": ("品牌名称（主商标）。", "The brand's name (primary mark)."),
    "cli.help.brands.export": (
        "将已批准的品牌库导出为品牌库文件；导出 → 导入 → 再导出，内容逐字节相同。",
        "The approved registry as a registry file; export → import → export gives the same bytes.",
    ),
    "cli.help.brands.export.file": (
        "写入此文件（官方图片复制到其旁边）；默认输出到标准输出。",
        "Write here (official images are copied beside it); default stdout.",
    ),
    "cli.help.score": (
        "为商品文件评分：每行输入对应一条评分记录，顺序与输入相同。",
        "Score a listings file: one score record per input line, in input order.",
    ),
    "cli.help.score.file": (
        "商品文件，每行一条商品记录（JSON）。",
        "Listings, one listing record (JSON) per line.",
    ),
    "cli.help.score.brands_file": (
        "评分所依据的品牌库文件；默认使用数据库中的品牌库。",
        "Registry file to score against; default: the database's.",
    ),
    "cli.help.score.out_file": (
        "评分记录写入此文件（- 或省略：标准输出）。",
        "Write score records here (- or none: stdout).",
    ),
    "cli.help.score.explain": ("逐条列出被标记商品的评分理由。", "Print each flagged listing's reasons."),
    "cli.help.score.queue": (
        "同时保存这些商品，并把被标记的商品放入待审队列。",
        "Also store the listings and queue the flagged ones for review.",
    ),
    "cli.help.score.jobs": (
        "评分所用的进程数：结果及其顺序与 1 个进程时完全相同。",
        "Processes to score with: the same records, in the same order, as with 1.",
    ),
    "cli.help.stats": (
        "统计：品牌、平台、商品、快照、各状态线索、抓取次数、各任务上次运行。",
        "Counts: brands, platforms, listings, snapshots, leads by status, crawl runs, last job runs.",
    ),
    "cli.help.platforms": (
        "平台配置：列出、添加、试读、启用、停用。",
        "Platform profiles: list, add, try, enable, disable.",
    ),
    "cli.help.platforms.list": (
        "列出各平台及其平台配置：内置的和用 platforms add 添加的。",
        "Platforms with their profiles: the built-in ones and those added with `platforms add`.",
    ),
    "cli.help.platforms.add": (
        "添加平台或替换其平台配置：先校验，被拒绝时不写入任何内容。",
        "Add a platform, or replace its profile: validated first, nothing written if refused.",
    ),
    "cli.help.platforms.add.profile_file": (
        "平台配置文件（YAML，见 docs/crawling.md）。",
        "The platform profile (YAML, see docs/crawling.md).",
    ),
    "cli.help.platforms.enable": (
        "从现在起抓取该平台（markwatch run 及定时任务）。",
        "Crawl this platform from now on (`markwatch run`, the scheduler).",
    ),
    "cli.help.platforms.disable": (
        "停止抓取该平台（markwatch run 及定时任务不再抓取，crawl 拒绝抓取）；已有商品保留。",
        "Stop crawling this platform (`markwatch run`, the scheduler; `crawl` refuses it); "
        "its listings stay.",
    ),
    "cli.help.platforms.try": (
        "用平台配置试读一个页面（类似 scrapy parse）：页面类型、各字段及其来源、链接。",
        "Read one page with a profile, like `scrapy parse`: its kind, each field and its source, the links.",
    ),
    "cli.help.platforms.try.profile_ref": (
        "平台配置文件（YAML）或平台名称。",
        "A profile file (YAML), or a platform's name.",
    ),
    "cli.help.platforms.try.target": (
        "要读取的页面：http(s) 地址或文件。",
        "The page: an http(s) address or a file.",
    ),
    "cli.help.platforms.try.as_url": (
        "已保存文件原来所在的地址（用于解析其中的链接和编号）。",
        "The address a saved FILE was at (links and ids read from it).",
    ),
    "cli.help.platforms.try.query": (
        "列表页的搜索词（用于生成下一页）。",
        "The search words of a list page (for its next page).",
    ),
    "cli.help.listings": ("已保存的商品：导出。", "Stored listings: export."),
    "cli.help.listings.export": (
        "将已保存的商品导出为商品记录（JSON Lines，即 markwatch score 读取的格式）。",
        "Stored listings as listing records (JSON Lines, what `markwatch score` reads).",
    ),
    "cli.help.listings.export.platform": ("只导出该平台的商品。", "Only this platform's listings."),
    "cli.help.listings.export.since": (
        "只导出此后见到的商品：2026-12-01、2026-12-01T08:00（未写时区按北京时间），"
        "或 24h / 7d 表示多久以前。",
        "Only listings seen since then: 2026-12-01, 2026-12-01T08:00 (Asia/Shanghai unless a zone is given), "
        "or 24h / 7d ago.",
    ),
    "cli.help.listings.export.out_file": (
        "写入此文件，而不是标准输出。",
        "Write here instead of standard output.",
    ),
    "cli.help.crawl": (
        "按平台配置抓取一个平台：保存、快照、评分，并将每件商品入队。",
        "Crawl a platform with its profile: store, snapshot, score and queue every listing.",
    ),
    "cli.help.crawl.query": (
        "搜索此关键词（可重复）；默认：商品目录及每个已批准品牌的商标。",
        "Search for this (repeatable); default: the catalogue and every approved brand's marks.",
    ),
    "cli.help.crawl.max_pages": ("抓取这么多页后停止。", "Stop after this many pages."),
    "cli.help.crawl.distributed": (
        "与其他抓取进程共享待抓取队列：redis://host:6379/0",
        "Share the frontier with other crawlers: redis://host:6379/0",
    ),
    "cli.help.crawl.resume": (
        "继续被中断的抓取（默认），或重新开始。",
        "Continue an interrupted crawl (default), or start afresh.",
    ),
    "cli.help.crawl.base_url": (
        "抓取此地址上的平台，而不是其平台配置中的地址。",
        "Crawl the platform at this address instead of its profile's.",
    ),
    "cli.help.crawl.url": (
        "只抓取这个页面（可重复）：该平台的列表页或详情页，可写完整地址或其基础地址下的路径。",
        "Crawl exactly this page (repeatable): a list or a detail page of the platform, an address or a path "
        "on its base URL.",
    ),
    "cli.help.demo": ("内置的演示商城：运行、商品目录。", "The bundled demo marketplaces: serve, catalogue."),
    "cli.help.demo.size": ("每个商城的商品数。", "Listings per marketplace."),
    "cli.help.demo.serve": (
        "在 127.0.0.1 上运行两个演示商城，直到按 Ctrl-C。",
        "Serve the two demo marketplaces on 127.0.0.1 until Ctrl-C.",
    ),
    "cli.help.demo.serve.seed": (
        "商品目录的随机种子：种子相同，目录相同。",
        "Catalogue seed: the same seed gives the same catalogue.",
    ),
    "cli.help.demo.serve.faults": ("遇到故障的请求所占比例。", "Share of requests that meet a fault."),
    "cli.help.demo.serve.static_port": ("demo-static 的端口。", "Port of demo-static."),
    "cli.help.demo.serve.spa_port": ("demo-spa 的端口。", "Port of demo-spa."),
    "cli.help.demo.catalogue": (
        "演示商城的真实情况：它提供的每件商品及其真实标签，JSON Lines 格式。",
        "The demo's ground truth: every listing it serves, with its true label, as JSON Lines.",
    ),
    "cli.help.demo.catalogue.platform": (
        "demo-static 或 demo-spa；默认两者都输出。",
        "demo-static or demo-spa; default both.",
    ),
    "cli.help.demo.catalogue.seed": ("商品目录的随机种子。", "Catalogue seed."),
    "cli.help.demo.catalogue.static_port": ("demo-static 链接中的端口。", "Port in demo-static's URLs."),
    "cli.help.demo.catalogue.spa_port": ("demo-spa 链接中的端口。", "Port in demo-spa's URLs."),
    "cli.help.model": (
        "评分组合模型，根据审核结论学习。",
        "The scorer's combiner, learned from reviewer decisions.",
    ),
    "cli.help.model.fit": (
        "根据审核结论（确认与排除的线索）学习评分组合模型的权重。",
        "Learn the combiner's weights from reviewer decisions (confirmed vs dismissed leads).",
    ),
    "cli.help.run": (
        "按内置默认配置运行主任务：演示商城、迁移数据库、抓取、评分、入队、日报，然后运行定时任务和审核网页。",
        "The main job on the embedded default: demo marketplaces, migrate, crawl, score, queue, digest,\n"
        "then the scheduler and the review app.",
    ),
    "cli.help.run.once": (
        "只运行一次流程后退出（用于 cron、测试）。",
        "Run the pipeline once and exit (cron, tests).",
    ),
    "cli.help.run.host": ("审核网页的地址。", "Address of the review app."),
    "cli.help.run.port": ("审核网页的端口。", "Port of the review app."),
    "cli.help.run.demo_size": ("每个演示商城的商品数。", "Listings per demo marketplace."),
    "cli.help.jobs": (
        "定时任务：计划、下次运行、上次运行及其结果。",
        "Scheduled jobs: schedule, next run, last run and its outcome.",
    ),
    "cli.help.serve": (
        "审核网页（待审队列、线索页面、权利人门户、/api/v1 下的 JSON 接口）。",
        "The review web app (queue, lead pages, brand portal, JSON API under /api/v1).",
    ),
    "cli.help.serve.host": ("监听的地址。", "Address to listen on."),
    "cli.help.serve.port": ("监听的端口。", "Port to listen on."),
    "cli.help.serve.workers": (
        "工作进程数（置于反向代理之后时使用）。",
        "Worker processes (behind a proxy).",
    ),
    "cli.help.users": (
        "审核网页的用户：添加、列出、停用、启用、密码、API 令牌。",
        "People who use the review app: add, list, disable, enable, passwords, API tokens.",
    ),
    "cli.help.users.add": (
        "添加用户；不加 --password-stdin 时生成并显示一次性密码。",
        "Add a user; without --password-stdin a one-time password is generated and printed.",
    ),
    "cli.help.users.add.name": ("登录名。", "Login name."),
    "cli.help.users.add.role": (
        "角色：admin（管理员）| reviewer（审核员）| investigator（调查员）| brand_owner（权利人）。",
        "admin | reviewer | investigator | brand_owner.",
    ),
    "cli.help.users.add.brand": (
        "权利人的品牌（多个品牌请重复此选项）。",
        "A brand owner's brand (repeat for several).",
    ),
    "cli.help.users.add.password_stdin": ("从标准输入读取密码。", "Read the password from standard input."),
    "cli.help.users.token": (
        "为该用户生成新的 API 令牌（Bearer）并显示；系统只保存其哈希值，请当场保存。",
        "Print a new API token (Bearer) for the user; only its hash is stored, so keep it now.",
    ),
    "cli.help.users.token.name": ("令牌所代表的用户。", "The user the token acts for."),
    "cli.help.users.list": (
        "列出全部用户：角色、品牌、是否停用或须修改一次性密码、有效令牌。",
        "Every user: role, brands, whether disabled or due to change a one-time password, active tokens.",
    ),
    "cli.help.users.disable": (
        "停用用户：其全部登录立即失效，API 令牌停止可用（保留，不吊销）。",
        "Disable a user: every session ends at once and its API tokens stop working (kept, not revoked).",
    ),
    "cli.help.users.disable.name": ("要停用的用户。", "The user to disable."),
    "cli.help.users.enable": (
        "重新启用已停用的用户（其未吊销的令牌恢复可用）。",
        "Enable a disabled user (its tokens that were not revoked work again).",
    ),
    "cli.help.users.enable.name": ("要重新启用的用户。", "The user to enable again."),
    "cli.help.users.passwd": (
        "设置密码；不加 --password-stdin 时显示一次性密码，下次登录须修改。"
        "无论哪种方式，该用户的全部登录都会失效。",
        "Set a password; without --password-stdin a one-time password is printed, to change at next login.\n"
        "Either way every session of the user ends.",
    ),
    "cli.help.users.passwd.name": ("要设置密码的用户。", "The user whose password to set."),
    "cli.help.users.passwd.password_stdin": (
        "从标准输入读取新密码。",
        "Read the new password from standard input.",
    ),
    "cli.help.users.tokens": (
        "用户的 API 令牌：前缀、创建时间、上次使用、是否吊销（令牌本身从不保存）。",
        "A user's API tokens: prefix, created, last used, revoked (the tokens themselves are never stored).",
    ),
    "cli.help.users.tokens.name": ("要列出其 API 令牌的用户。", "The user whose API tokens to list."),
    "cli.help.users.revoke": (
        "按前缀吊销用户的一个 API 令牌，或用 --all 吊销全部；已吊销的令牌返回 401。",
        "Revoke a user's API token (by its prefix) or all of them (--all); a revoked token answers 401.",
    ),
    "cli.help.users.revoke.name": ("要吊销其令牌的用户。", "The user whose token to revoke."),
    "cli.help.users.revoke.prefix": (
        "令牌前缀，如 users tokens 所示（或令牌本身）。",
        "The token's prefix as `users tokens` shows it (or the token).",
    ),
    "cli.help.users.revoke.revoke_all": (
        "吊销该用户的全部有效令牌。",
        "Revoke every active token of the user.",
    ),
    "cli.help.evidence": (
        "证据：采集线索页面、导出其签名证据包、核验证据包。",
        "Evidence: capture a lead's page, export its sealed packet, verify one.",
    ),
    "cli.help.evidence.export": (
        "导出线索的签名证据包（含签名清单和 PDF 笔录的 ZIP）；记入审计日志。",
        "Export a lead's sealed evidence packet (ZIP with signed manifest and PDF report); an audit event.",
    ),
    "cli.help.evidence.export.lead_id": (
        "线索编号（网页中的 MW-<编号>）。",
        "The lead's number (MW-<id> in the app).",
    ),
    "cli.help.evidence.export.out_file": (
        "写入此文件；默认在当前目录写入 markwatch-lead-<编号>-<时间戳>.zip。",
        "Write here; default markwatch-lead-<id>-<timestamp>.zip in the cwd.",
    ),
    "cli.help.evidence.export.witness": (
        "见证人：另一名有效用户，不能是您本人。",
        "The second officer (见证人): an active user, not you.",
    ),
    "cli.help.evidence.export.as_user": (
        "导出证据的 markwatch 用户（提取人）；默认为操作系统登录名。",
        "The markwatch user exporting (提取人); default the OS login.",
    ),
    "cli.help.evidence.export.report_lang": (
        "zh 或 en：report.pdf 的语言。除非指定，一律为中文的电子数据提取笔录，与终端语言无关。",
        "zh or en: the language of report.pdf. Chinese unless asked: it is the 电子数据提取笔录, whatever "
        "language the shell's locale prints in.",
    ),
    "cli.help.evidence.capture": (
        "立即用 Chromium 采集线索页面作为证据（新增一份，从不替换已有的）。",
        "Take an evidence capture of a lead's page now in Chromium (adds one; never replaces one).",
    ),
    "cli.help.evidence.capture.lead_id": (
        "要重新采集的线索（网页中的 MW-<编号>）。",
        "The lead to capture again (MW-<id> in the app).",
    ),
    "cli.help.evidence.capture.pending": (
        "改为执行全部待采集的请求（即定时任务所做的）。",
        "Take every pending capture instead (the scheduler's job).",
    ),
    "cli.help.evidence.capture.as_user": (
        "提出采集的用户（记入审计）；默认为操作系统登录名。",
        "The user asking (audit trail); default the OS login.",
    ),
    "cli.help.evidence.verify": (
        "核验证据包的签名者、可信时间戳和每个文件的哈希值；有问题时指明问题并以退出码 1 结束。",
        "Check who signed a packet, its trusted timestamp and every file's hash; "
        "exit 1 naming what is wrong.",
    ),
    "cli.help.evidence.verify.packet": ("要核验的证据包（.zip）。", "The packet (.zip) to check."),
    "cli.help.evidence.verify.key": (
        "出具单位的公钥（64 位十六进制）或其指纹：其他签名者一律不通过。默认：本机的密钥（如有）。",
        "The issuing installation's public key (64 hex digits) or fingerprint: any other signer fails. "
        "Default: this installation's key, if this machine has one.",
    ),
    "cli.help.evidence.verify.tsa_certs": (
        "时间戳机构根证书的 PEM 文件，证据包的时间戳须由其签发。默认：MARKWATCH_TSA_CERTIFICATES。",
        "PEM file of the TSA's root CA the packet's timestamp must chain to. "
        "Default: MARKWATCH_TSA_CERTIFICATES.",
    ),
    "cli.help.cases": (
        "案件线索：同一卖家网络的线索——列出、查看、导出案件证据包。",
        "Cases (案件线索): seller networks' leads — list, show, export the case's evidence packet.",
    ),
    "cli.help.cases.list": (
        "列出全部案件（已合并的用 --status merged 查看），最近有动态的在前，附销售额合计。",
        "Every case (merged ones with --status merged), newest activity first, with its summed sales.",
    ),
    "cli.help.cases.list.status": (
        "open、confirmed、merged、closed 或 transferred。",
        "open, confirmed, merged, closed or transferred.",
    ),
    "cli.help.cases.show": (
        "查看一个案件：各平台的店铺、店铺间的关联证据、每件商品的单价 × 销量、与刑事立案标准对比的合计，"
        "管辖、承办处室和文书。",
        "One case: its shops by platform, the evidence between them, each listing's price × sold, the sum\n"
        "against the criminal threshold, the jurisdiction, the department and the documents.",
    ),
    "cli.help.cases.export": (
        "导出案件的签名证据包：每条线索的证据包和文书，经签名；记入审计日志。",
        "Export a case's sealed evidence packet: every lead's packet and the documents, signed; audited.",
    ),
    "cli.help.cases.export.out_file": (
        "写入此文件；默认在当前目录写入 markwatch-case-<编号>-<时间戳>.zip。",
        "Write here; default markwatch-case-<id>-<timestamp>.zip in the cwd.",
    ),
    "cli.help.cases.export.as_user": (
        "导出证据的 markwatch 用户；默认为操作系统登录名。",
        "The markwatch user exporting; default the OS login.",
    ),
    # what Typer and Click print around help and usage errors, said by markwatch (_SpokenHelp, _usage_error)
    "cli.usage.usage": ("用法：", "Usage: "),
    "cli.usage.arguments": ("参数", "Arguments"),
    "cli.usage.options": ("选项", "Options"),
    "cli.usage.commands": ("命令", "Commands"),
    "cli.usage.default": ("[默认：{}]", "[default: {}]"),
    "cli.usage.required": ("[必填]", "[required]"),
    "cli.usage.envvar": ("[环境变量：{}]", "[env var: {}]"),
    "cli.usage.deprecated": ("（已弃用）", "(deprecated) "),
    "cli.usage.try_help": ("运行“{command} {option}”查看帮助。", "Try '{command} {option}' for help."),
    "cli.usage.error": ("错误：", "Error: "),
    "cli.usage.missing_argument": ("缺少参数 {name}。", "Missing argument {name}."),
    "cli.usage.missing_option": ("缺少选项 {name}。", "Missing option {name}."),
    "cli.usage.no_such_option": ("没有选项 {option}", "No such option: {option}"),
    "cli.usage.possible_options": ("（可能是：{options}）", " (Possible options: {options})"),
    "cli.usage.needs_value": ("选项 {option} 需要一个值。", "Option '{option}' requires an argument."),
    "cli.usage.bad_value": ("{param} 的值无效：{problem}", "Invalid value for {param}: {problem}"),
    "cli.usage.no_such_command": ("没有命令“{name}”。", "No such command '{name}'."),
    "cli.usage.did_you_mean": ("您要找的是不是 {names}？", " Did you mean {names}?"),
    "cli.usage.missing_command": ("缺少命令。", "Missing command."),
    "cli.usage.extra_arguments": ("多余的参数：{args}", "Got unexpected extra argument(s) ({args})"),
    # errors raised below review (storage.errors.MarkwatchError's ``key``)
    "err.user_no_name": ("用户名不能为空", "a user needs a name"),
    "err.user_role": ("没有角色“{role}”；可选：{choices}", "unknown role '{role}'; choose one of {choices}"),
    "err.user_exists": (
        "用户“{name}”已存在，请另选用户名",
        "a user named '{name}' already exists; choose another name",
    ),
    "err.user_needs_brand": (
        "权利人（brand_owner）至少需要一个 --brand 品牌名（可查看其线索的品牌）",
        "a brand_owner needs at least one --brand NAME (the brands whose leads it may see)",
    ),
    "err.user_brand_role": (
        "--brand 只适用于权利人（brand_owner）角色",
        "--brand applies only to the brand_owner role",
    ),
    "err.db_cannot_open": (
        "无法打开数据库 {where}（{reason}）；请检查 MARKWATCH_DB / MARKWATCH_HOME",
        "cannot open the database at {where} ({reason}); check MARKWATCH_DB / MARKWATCH_HOME",
    ),
    "err.db_not_set_up": (
        "数据库 {where} 尚未建立：请先运行 markwatch db upgrade",
        "the database at {where} is not set up yet: run `markwatch db upgrade` first",
    ),
    "err.db_old": (
        "数据库版本为 {current}，本版 markwatch 需要 {head}：请运行 markwatch db upgrade（先备份数据库）",
        "the database is at revision {current}, this markwatch needs {head}: "
        "run `markwatch db upgrade` (back up the database first)",
    ),
    "err.db_url": (
        "MARKWATCH_DB 不是数据库 URL：{url}（{reason}）",
        "MARKWATCH_DB is not a database URL: '{url}' ({reason})",
    ),
    "err.file_refused": (
        "{what}被拒绝，未写入任何内容（{n} 个问题）：",
        "{what} refused, nothing was written ({n} problem(s)):",
    ),
    "err.what.file": ("文件", "file"),
    "err.what.brand registry": ("品牌库文件", "brand registry"),
    "err.what.platform profile": ("平台配置文件", "platform profile"),
    "err.cannot_read_file": ("无法读取该文件：{reason}", "cannot read the file: {reason}"),
    "err.no_platform_profile": (
        "没有名为“{name}”的平台配置；用 markwatch platforms list 查看",
        "no platform profile named '{name}'; see `markwatch platforms list`",
    ),
    "err.no_platform_profile_to_add": (
        "没有名为“{name}”的平台配置；用 markwatch platforms list 查看，"
        "或用 markwatch platforms add 平台配置.yaml 添加",
        "no platform profile named '{name}'; see `markwatch platforms list`, or add one with "
        "`markwatch platforms add PROFILE.yaml`",
    ),
    "err.platform_without_profile": (
        "平台“{name}”没有可供抓取的平台配置；请用 platforms add 添加",
        "platform '{name}' has no profile to crawl; add one: `platforms add`",
    ),
    "err.platform_disabled": (
        "平台 {name} 已停用，不会抓取；用 markwatch platforms enable {name} 启用",
        "platform {name} is disabled, so it is not crawled; "
        "enable it with `markwatch platforms enable {name}`",
    ),
    "err.no_platform": (
        "没有名为“{name}”的平台；用 markwatch platforms list 查看",
        "no platform named '{name}'; see `markwatch platforms list`",
    ),
    "err.no_lead": ("没有线索 {id}", "no lead {id}"),
    "err.no_lead_queue": (
        "没有线索 {id}；网页上的待审队列（/）列出全部线索",
        "no lead {id}; the queue (`/` in the web app) lists the leads",
    ),
    "err.cannot_fetch": ("无法获取 {target}：{reason}", "cannot fetch {target}: {reason}"),
    "err.only_http": (
        "{target}：只能获取 http(s) 地址；已保存的页面请以文件形式给出",
        "{target}: only http(s) addresses are fetched; give a saved page as a file",
    ),
    "err.cannot_read": ("无法读取 {path}：{reason}", "cannot read {path}: {reason}"),
    "err.crawl_running": (
        "该平台已有一个抓取正在运行（进程 {pid}）；请等待其结束或将其停止",
        "a crawl of this platform is already running (process {pid}); wait for it or stop it",
    ),
    "err.redis": ("无法使用 {url} 上的 Redis：{reason}", "cannot use Redis at {url}: {reason}"),
    "err.crawl_no_result": (
        "{platform} 的抓取未产生结果就结束了（退出码 {code}）；请查看 $MARKWATCH_HOME/jobs 下的抓取日志",
        "the crawl of {platform} ended without a result (exit code {code}); see the crawl log under "
        "$MARKWATCH_HOME/jobs",
    ),
    "err.no_token": (
        "“{name}”没有有效的令牌；用 markwatch users tokens {name} 查看",
        "'{name}' has no active token; `markwatch users tokens {name}` lists them",
    ),
    "err.no_token_starting": (
        "“{name}”没有以“{prefix}”开头的有效令牌；用 markwatch users tokens {name} 查看",
        "'{name}' has no active token starting with '{prefix}'; `markwatch users tokens {name}` lists them",
    ),
    "err.not_a_key": (
        "用于核对签名者的“{text}”既不是公钥（64 位十六进制），也不是指纹"
        "（32 位十六进制，每四位一组，即 markwatch evidence export 显示的形式）",
        "the key to check the signer against ('{text}') is neither a public key (64 hex digits) nor a "
        "fingerprint (32 hex digits in groups of four, as `markwatch evidence export` prints it)",
    ),
    "err.db_directory": (
        "无法创建数据库 {path} 所在的目录：{reason}",
        "cannot create the directory of the database {path}: {reason}",
    ),
    "err.db_driver": ("没有 {driver} 的数据库驱动：{reason}", "no database driver for '{driver}': {reason}"),
    "err.tsa_certificates_unreadable": (
        "无法读取 MARKWATCH_TSA_CERTIFICATES={path}（{reason}）",
        "MARKWATCH_TSA_CERTIFICATES={path} cannot be read ({reason})",
    ),
    "err.tsa_certificates_not_pem": (
        "时间戳机构的证书不是 PEM 证书（{reason}）",
        "the TSA certificates are not PEM certificates ({reason})",
    ),
    # `markwatch evidence verify` (review.evidence.verify)
    "verify.not_packet": ("不是证据包：{problem}", "not an evidence packet: {problem}"),
    "verify.expected_pinned": ("用 --key 给出", "given with --key"),
    "verify.expected_installation": ("本机的密钥", "this installation's key"),
    "verify.sig_other": (
        "签名：不是预期的密钥 — 签名者指纹 {fingerprint}，预期 {expected_fingerprint}（{expected}）："
        "不能认定证据包由其出具",
        "signature: NOT BY THE EXPECTED KEY — signed by fingerprint {fingerprint}, expected "
        "{expected_fingerprint} ({expected}): the packet cannot be trusted as issued by it",
    ),
    "verify.note_other": (
        "说明：其他系统出具的证据包，请用 --key 加该系统公布的指纹核验（不要用证据包内自带的指纹）",
        "note: a packet issued by another installation verifies with --key and the fingerprint "
        "that installation publishes (never the one printed from inside the packet)",
    ),
    "verify.by_pinned": ("预期的密钥（--key）", "the expected key (--key)"),
    "verify.by_installation": ("本机的密钥", "this installation's key"),
    "verify.by_embedded": ("证据包内自带的公钥", "the public key inside the packet"),
    "verify.sig_valid": (
        "签名：有效，签名密钥为{where}；指纹 {fingerprint}",
        "signature: valid, by {where}; fingerprint {fingerprint}",
    ),
    "verify.unidentified_warning": (
        "警告：未能确认签名者（本机没有本系统的密钥，也未给出 --key）："
        "任何人都能用自己的密钥重新签署被改动的证据包。"
        '请用 markwatch evidence verify PACKET.zip --key "FINGERPRINT" 核验签名者，'
        "FINGERPRINT 为出具系统公布的指纹（不是上面打印的、由证据包自带的指纹）",
        "warning: the signer was NOT identified (no installation key on this machine and no "
        "--key): anyone can re-sign a changed packet with a key of their own. Check the signer "
        'with: markwatch evidence verify PACKET.zip --key "FINGERPRINT", FINGERPRINT being the '
        "one the issuing installation publishes (not the one printed above, which the packet "
        "itself supplies)",
    ),
    "verify.sig_missing": (
        "签名：缺失 — manifest.sig 已被删除，清单不可信",
        "signature: MISSING — manifest.sig was removed, the manifest cannot be trusted",
    ),
    "verify.sig_changed": (
        "签名：无效 — manifest.sig 已被改动：它签署的不是它所指的清单，清单不可信",
        "signature: INVALID — manifest.sig was changed: it does not sign the manifest it names, "
        "so the manifest cannot be trusted",
    ),
    "verify.sig_invalid": (
        "签名：无效 — manifest.json 已被改动，或并非由其所写的密钥签署",
        "signature: INVALID — manifest.json was changed or was not signed by the key it names",
    ),
    "verify.changed": ("已被改动：{name}", "changed: {name}"),
    "verify.added": ("被添加：{name}", "added: {name}"),
    "verify.removed": ("被删除：{name}", "removed: {name}"),
    "verify.problem": ("问题：{problem}", "problem: {problem}"),
    "verify.intact": ("完好：{n} 个文件与签名清单一致", "intact: {n} file(s) match the signed manifest"),
    "verify.intact_unidentified": (
        "完好：{n} 个文件与签名清单一致（未能确认签名者：见上面的警告）",
        "intact: {n} file(s) match the signed manifest (signer not identified: see the warning)",
    ),
    # `markwatch run`
    "run.database": ("数据库 {where}：版本 {revision}", "database {where}: revision {revision}"),
    "run.demo_brands": (
        "品牌库为空：已导入演示品牌 {n} 个（{file}）",
        "the brand registry was empty: imported {n} demo brands ({file})",
    ),
    "run.demo": (
        "演示商城：{static}（服务端渲染） {spa}（单页应用）",
        "demo marketplaces: {static} (server-rendered) {spa} (single-page app)",
    ),
    "run.port_busy": (
        "演示商城 {platform} 的默认端口 {busy} 已被占用（另一"
        "个 markwatch 或其他程序正在使用），改用端口 {instead}",
        "the default port {busy} of the demo marketplace {platform}"
        " is taken (by another markwatch or another "
        "program); using port {instead} instead",
    ),
    "run.port_refused": (
        "演示商城 {platform} 的默认端口 {busy} 无法使用（{reason}），改用端口 {instead}",
        "the default port {busy} of the demo marketplace {platform} cannot be used ({reason}); "
        "using port {instead} instead",
    ),
    "run.crawling": ("采集 {platform} …", "crawling {platform} …"),
    "run.crawled": ("采集 {platform}：{result}", "crawl of {platform}: {result}"),
    "run.crawl_failed": ("失败（详见 markwatch jobs）", "failed (see markwatch jobs)"),
    "run.crawl_done": ("完成", "done"),
    "run.crawl_counts": (
        "页面 {pages} 个，商品 {items} 条，拦截 {blocks} 次，错误 {errors} 个",
        "{pages} pages, {items} listings, {blocks} blocked, {errors} errors",
    ),
    "run.scoring": ("评分与入队 …", "scoring and queueing …"),
    "run.scored": (
        "评分：采集时尚未评分的新增或变更商品 {scored} 条，由此新入队 {queued} 条",
        "scoring: {scored} new or changed listings not scored while crawling, {queued} of them queued",
    ),
    "run.capturing": ("取证截图 …", "evidence captures …"),
    "run.captured": (
        "取证截图：成功 {captured} 份，失败 {failed} 份",
        "evidence captures: {captured} taken, {failed} failed",
    ),
    "cli.captured": (
        "取证截图：成功 {captured} 份，失败 {failed} 份",
        "evidence captures: {captured} taken, {failed} failed",
    ),
    "cli.capture_reasons": ("（失败原因：{reasons}）", " (why: {reasons})"),
    "cli.capture_which": (
        "请给出线索编号或 --pending（二者选一）",
        "give a LEAD_ID or --pending (one of them)",
    ),
    "run.digest": ("监测日报：{file}", "daily digest: {file}"),
    "run.totals": (
        "合计：商品 {listings} 条，快照 {snapshots} 份（截图 {screenshots} 张）；"
        "本次运行新入队线索 {new} 条，队列中共有待审线索 {open} 条",
        "in all: {listings} listings, {snapshots} snapshots ({screenshots} screenshots); this run queued "
        "{new} new leads, and {open} leads are waiting for review in the queue",
    ),
    "run.jobs": ("计划任务：{jobs}", "scheduled jobs: {jobs}"),
    "run.app": ("审核系统：http://{host}:{port}/", "review app: http://{host}:{port}/"),
    "run.admin_password": (
        "管理员账号 admin，一次性密码：{password}（首次登录时须修改；或用 markwatch users add 新建）",
        "administrator admin, one-time password: {password} (to change at first login; or add one with "
        "markwatch users add)",
    ),
    "cli.crawl_summary": (
        "{platform}：{status}，存储商品 {items} 条，图片 {images} 张，页面 {pages} 个，丢弃 {dropped}，"
        "拦截页 {blocks} 个，错误 {errors} 个，未发出的请求 {refused}"
        "，警告 {warnings} 条，用时 {seconds} 秒{resumed}",
        "{platform}: {status}, {items} listing(s) stored, {images}"
        " image(s), {pages} page(s), {dropped} dropped, "
        "{blocks} block page(s), {errors} error(s), {refused}"
        " refused, {warnings} warning(s), {seconds} s{resumed}",
    ),
    "cli.crawl_resumed": ("（续传）", " (resumed)"),
    # progress bars
    "progress.scoring": ("评分", "scoring"),
    "progress.crawling": ("采集 {platform}", "crawling {platform}"),
    "progress.total_unknown": ("总数未知", "total not known yet"),
    "progress.crawl_fields": (
        "页面 {pages} · 拦截 {blocks} · 重试 {retries}",
        "{pages} pages · {blocks} blocked · {retries} retries",
    ),
    "progress.listings": ("商品 {done}/{total}", "listings {done}/{total}"),
    "progress.bytes": ("已读 {done}/{total} 字节", "read {done}/{total} bytes"),
    "progress.bytes_unknown": ("已读 {done} 字节（总数未知）", "read {done} bytes (total not known)"),
    "progress.listings_unknown": ("商品 {done} 条（总数未知）", "{done} listings (total not known yet)"),
    # --- end of daybook's block ---
    # evidence verify: the trusted time (RFC 3161) of a packet
    "evidence.timestamp_valid": (
        "可信时间戳：有效，由 {tsa} 于 {shanghai}（北京时间）／ {utc}（UTC）对清单的 SHA-256 加盖",
        "trusted timestamp: valid, by {tsa} at {utc} UTC ({shanghai} Beijing time), "
        "over the manifest's SHA-256",
    ),
    "evidence.timestamp_unchecked": (
        "可信时间戳：未核验签名 — 时间戳注明由 {tsa} 于 {shanghai}（北京时间）／ {utc}（UTC）"
        "对本清单的 SHA-256 加盖，"
        "但未给出时间戳服务的根证书（--tsa-certs 或 MARKWATCH_TSA_CERTIFICATES），其签名和证书未经核验",
        "trusted timestamp: NOT CHECKED — the token says {tsa} stamped this manifest's SHA-256 at {utc} UTC "
        "({shanghai} Beijing time), but without the TSA's root CA (--tsa-certs or "
        "MARKWATCH_TSA_CERTIFICATES) its signature and certificate were not checked",
    ),
    "evidence.timestamp_invalid": ("可信时间戳：无效 — {problem}", "trusted timestamp: INVALID — {problem}"),
    "evidence.no_timestamp": (
        "无可信时间戳：出具时未配置时间戳服务，提取时间仅为出具系统的时钟所记",
        "no trusted timestamp: no TSA was configured when it was issued; the export time is the issuing "
        "system's clock only",
    ),
    "evidence.timestamp_refused": (
        "无可信时间戳：时间戳服务 {tsa} 未给出有效的时间戳（{reason}），提取时间仅为出具系统的时钟所记",
        "no trusted timestamp: the TSA {tsa} gave no valid token ({reason}); the export time is the issuing "
        "system's clock only",
    ),
    # --- cases (案件线索: review/cases, the case list and page; one block) ---
    "nav.cases": ("案件", "Cases"),
    "queue.tabs": ("查看", "View"),
    "queue.tab_leads": ("线索", "Leads"),
    "queue.tab_cases": ("案件", "Cases"),
    "cases.title": ("案件线索", "Cases"),
    "cases.active": ("办理中（未合并）", "Active (not merged)"),
    "cases.number": ("案件编号", "Case"),
    "cases.shops": ("店铺", "Shops"),
    "cases.platforms": ("平台", "Platforms"),
    "cases.leads": ("线索", "Leads"),
    "cases.updated": ("最近变化（北京时间）", "Last change (Beijing time)"),
    "cases.over": ("达刑事标准", "over the threshold"),
    "cases.none": ("没有案件。", "No cases."),
    "case.title": ("案件线索 {number}", "Case {number}"),
    "case.facts": ("概况", "Overview"),
    "case.network": ("关联网络", "Network"),
    "case.shops": ("涉及店铺", "Shops"),
    "case.shops_count": ("{n} 家（{platforms} 个平台）", "{n} on {platforms} platform(s)"),
    "case.shops_n": ("{n} 家", "{n} shop(s)"),
    "case.brands": ("涉及品牌", "Brands"),
    "case.leads": ("线索", "Leads"),
    "case.total": ("估算销售额合计", "Estimated sales, summed"),
    "case.jurisdiction": ("管辖（营业执照登记地）", "Jurisdiction (licence regions)"),
    "case.jurisdiction_unknown": ("未能从营业执照确定", "not known from the licences"),
    "case.department": ("承办处室", "Department"),
    "case.opened": ("立案线索时间", "Opened"),
    "case.actions": ("处理", "Decide"),
    "case.confirm": ("确认为同一经营网络", "Confirm: one operation"),
    "case.transfer": ("整体移交", "Transfer the whole case"),
    "case.transfer_to": ("移交给", "Transfer to"),
    "case.recipient": ("收文单位", "Addressee"),
    "case.recipient_hint": (
        "不填则按处室、登记地或“公安机关”",
        "default: the department, the region's bureau or the police",
    ),
    "case.merge_with": ("与案件编号合并", "Merge with case number"),
    "case.merge": ("合并案件", "Merge cases"),
    "case.split": ("将勾选的店铺拆分出去", "Split the ticked shops off"),
    "case.split_pick": ("拆分", "Split"),
    "case.closed": ("案件{status}，不再处理。", "The case is {status}: no more decisions."),
    "case.evidence_packet": ("导出案件证据包", "Export the case evidence packet"),
    "case.graph": ("关系图", "Network"),
    "case.graph_hint": (
        "点击连线查看证据，点击店铺查看店铺信息。",
        "Click a line for its evidence, a shop for its row.",
    ),
    "case.edge_title": ("{kind}（{strength}）", "{kind} ({strength})"),
    "case.evidence": ("关联证据", "Evidence between shops"),
    "case.shared": ("共同特征", "Shared"),
    "case.edge_seen": ("首次发现 {first}，最近 {last}", "first seen {first}, last {last}"),
    "case.snapshot_at": ("快照 {when}", "snapshot {when}"),
    "case.no_edges": ("没有可显示的关联证据。", "No evidence to show."),
    "case.shops_by_platform": ("店铺（按平台）", "Shops by platform"),
    "case.shop": ("店铺", "Shop"),
    "case.shop_id": ("店铺编号", "Shop id"),
    "case.licence": ("统一社会信用代码", "USCC"),
    "case.region": ("登记地", "Region"),
    "case.sales": ("涉案商品及估算销售额", "Listings and estimated sales"),
    "case.arithmetic": ("估算销售额（单价 × 销量）", "Estimated sales (price × sold)"),
    "case.sum": ("合计 {total}（{n} 条商品）。", "Sum {total} ({n} listings)."),
    "case.sum_unknown": (
        "另有 {n} 条缺少价格或销量，未计入。",
        "{n} more without price or sales, not counted.",
    ),
    "case.estimate_note": (
        "估算销售额按页面显示的价格与销量计算，以查证属实的数额为准。",
        "Estimates from the prices and sales counts the pages showed; the proven amount decides.",
    ),
    "case.timeline": ("时间线", "Timeline"),
    "case.documents": ("文书", "Documents"),
    "case.doc_number": ("文号", "Number"),
    "case.doc_kind": ("文书", "Document"),
    "case.issued": ("出具时间", "Issued"),
    "case.deadline": ("回复期限", "Deadline"),
    "case.overdue": ("逾期未复", "overdue"),
    "case.files": ("文件", "Files"),
    "case.responses": ("平台处理结果", "Platform's response"),
    "case.response_day": ("处理日期", "Day"),
    "case.record_response": ("记录", "Record"),
    "case.no_documents": ("尚未出具文书。", "No documents yet."),
    "case.notice_to": ("平台通知：{platform}", "Notice to {platform}"),
    "case.make_document": ("生成文书（DOCX 与 PDF）", "Make the document (DOCX and PDF)"),
    "case.audit": ("处理记录", "Audit trail"),
    "case.no_events": ("暂无处理记录。", "Nothing recorded yet."),
    "case.when": ("时间", "When"),
    "case.who": ("操作人", "Who"),
    "case.what": ("操作", "What"),
    "case.merged_into": ("本案件已并入：", "This case was merged into:"),
    "case.done_confirm": ("已确认为同一经营网络。", "Confirmed as one operation."),
    "case.done_transfer": (
        "案件已整体移交，移交文书已生成。",
        "Transferred whole; the hand-over document is made.",
    ),
    "case.done_merge": ("案件已合并。", "Cases merged."),
    "case.done_split": ("店铺已拆分。", "Shops split off."),
    "case.done_document": ("文书已生成并存档。", "Document made and kept."),
    "case.done_response": ("已记录平台处理结果。", "Platform response recorded."),
    "case_status.open": ("待核查", "open"),
    "case_status.confirmed": ("已确认", "confirmed"),
    "case_status.merged": ("已合并", "merged"),
    "case_status.closed": ("已结束", "closed"),
    "case_status.transferred": ("已移交", "transferred"),
    "case_kind.uscc": ("同一营业执照", "same licence (USCC)"),
    "case_kind.phone": ("同一电话", "same phone"),
    "case_kind.wechat": ("同一微信", "same WeChat"),
    "case_kind.qq": ("同一 QQ", "same QQ"),
    "case_kind.email": ("同一邮箱", "same e-mail"),
    "case_kind.image_phash": ("同一商品图片", "same product photo"),
    "case_kind.address": ("同一地址", "same address"),
    "case_kind.shop_name": ("店名近似", "near-identical shop name"),
    "case_kind.reviewer": ("审核人员合并", "merged by a reviewer"),
    "case_strength.strong": ("强", "strong"),
    "case_strength.weak": ("弱", "weak"),
    "case_recipient.department": ("本局处室（交办单）", "a department (hand-over)"),
    "case_recipient.bureau": ("有管辖权的市场监管局（移送函）", "the bureau with jurisdiction (referral)"),
    "case_recipient.police": ("公安机关（涉嫌犯罪案件移送书）", "the police (transfer)"),
    "case_document.department": ("案件线索交办单", "hand-over"),
    "case_document.bureau": ("案件线索移送函", "referral"),
    "case_document.police": ("涉嫌犯罪案件移送书", "transfer to the police"),
    "case_document.platform_notice": ("平台采取必要措施通知", "platform notice"),
    "case_response.removed": ("已删除/屏蔽", "removed"),
    "case_response.refused": ("拒绝处理", "refused"),
    "case_response.no_answer": ("未答复", "no answer"),
    "case_action.confirm": ("确认", "confirmed"),
    "case_action.transfer": ("整体移交", "transferred whole"),
    "case_action.merge": ("合并", "merged"),
    "case_action.split": ("拆分", "split"),
    "case_action.document": ("出具文书", "document issued"),
    "case_action.platform_response": ("记录平台处理结果", "platform response recorded"),
    "case_action.evidence_export": ("导出案件证据包", "case packet exported"),
    "case_when.shop_seen": ("首次发现店铺", "shop first seen"),
    "case_when.lead_flagged": ("首次标记线索", "lead first flagged"),
    "case_when.edge_found": ("发现关联", "evidence found"),
    "case_when.network_merged": ("网络合并", "networks merged"),
    "case_when.case_event": ("案件处理", "case decision"),
    "error.case": ("无法处理：{reason}", "Refused: {reason}"),
    "cli.cases.bad_status": ("--status {value}：应为 {choices} 之一", "--status {value}: one of {choices}"),
    "cli.cases.bad_number": (
        "“{value}”不是案件编号（如 MW-C-12 或 12）",
        "{value} is not a case number (MW-C-12 or 12)",
    ),
    "cli.cases.not_found": (
        "没有案件 {value}；`markwatch cases list` 列出全部案件",
        "no case {value}; `markwatch cases list` lists the cases",
    ),
    "cli.cases.count": ("共 {n} 个案件", "{n} case(s)"),
    "cli.cases.header": (
        "案件线索 {number}（{status}，关联网络 N-{network}）",
        "Case {number} ({status}, network N-{network})",
    ),
    "cli.cases.brands": ("涉及品牌：{brands}", "Brands: {brands}"),
    "cli.cases.jurisdiction": (
        "管辖（营业执照登记地）：{regions}",
        "Jurisdiction (licence regions): {regions}",
    ),
    "cli.cases.department": (
        "承办处室：{department}（按路由表建议：{suggested}）",
        "Department: {department} (the routing table suggests {suggested})",
    ),
    "cli.cases.platform": ("平台 {platform}：", "Platform {platform}:"),
    "cli.cases.shop": (
        "  店铺 {name}（编号 {id}） 统一社会信用代码 {licence} 登记地 {region} 线索 {leads}",
        "  shop {name} (id {id}) USCC {licence} region {region} leads {leads}",
    ),
    "cli.cases.edge": (
        "  {a} ↔ {b}：{kind}（{strength}） {values}；快照 {snapshots}",
        "  {a} ↔ {b}: {kind} ({strength}) {values}; snapshots {snapshots}",
    ),
    "cli.cases.sum": (
        "合计 {total}{unknown}：{verdict}刑事立案追诉标准（{limit}）",
        "Sum {total}{unknown}: {verdict} the criminal threshold ({limit})",
    ),
    "cli.cases.unknown": (
        "；另有 {n} 条缺少价格或销量，未计入",
        "; {n} more without price or sales, not counted",
    ),
    "cli.cases.reached": ("已达到", "reaches"),
    "cli.cases.not_reached": ("未达到", "does not reach"),
    "cli.cases.document": (
        "文书 {number}：{recipient}（回复期限 {deadline}；平台处理结果 {answer}）",
        "Document {number}: {recipient} (deadline {deadline}; platform's response {answer})",
    ),
    "cli.cases.written": (
        "已写入 {file}（{size} 字节）；签名密钥指纹 {key}；核验：markwatch evidence verify {name}",
        "wrote {file} ({size} bytes); signed by key {key}; check: markwatch evidence verify {name}",
    ),
    "digest.overdue": ("逾期未复的平台通知", "Overdue platform notices"),
    "digest.overdue_none": ("没有逾期未复的平台通知", "No platform notice is overdue"),
    "overdue.case": ("案件编号", "Case"),
    "overdue.number": ("文号", "Number"),
    "overdue.platform": ("平台", "Platform"),
    "overdue.deadline": ("回复期限", "Deadline"),
    "overdue.days": ("逾期天数", "Days overdue"),
    "overdue.link": ("案件页面", "Case page"),
    # --- end of cases ---
    # the evidence report (review/evidence/report.py, report.pdf): an electronic data extraction record
    "report.title": ("电子数据提取笔录", "Electronic data extraction record"),
    "report.subtitle": ("线索编号 MW-{id}　·　{tool}", "Lead MW-{id}　·　{tool}"),
    "report.doc_title": ("电子数据提取笔录 MW-{id}", "Electronic data extraction record MW-{id}"),
    "report.footer": (
        "电子数据提取笔录 · 线索 MW-{id} · 公钥指纹 {fingerprint}",
        "Electronic data extraction record · lead MW-{id} · key fingerprint {fingerprint}",
    ),
    "report.page": ("第 {n} 页 共 {total} 页", "Page {n} of {total}"),
    "report.semi": ("；", "; "),
    "report.sep": ("、", ", "),
    "report.stop": ("。", ". "),
    "report.none": ("（无）", "(none)"),
    "report.unknown": ("（未知）", "(unknown)"),
    "report.not_recorded": ("（未记录）", "(not recorded)"),
    "report.yes": ("是", "Yes"),
    "report.no": ("否", "No"),
    "report.clipped": (
        "……（共 {n} 字，全文见 manifest.json）",
        "… ({n} characters in all; the full text is in manifest.json)",
    ),
    "report.both_zones": ("{shanghai}（北京时间）／ {utc}（UTC）", "{shanghai} (Beijing time) / {utc} (UTC)"),
    # 一、基本情况
    "report.basic": ("一、基本情况", "1. General information"),
    "report.case_no": ("案件/线索编号", "Case / lead no."),
    "report.case_no_value": ("MW-{id}（线索状态：{status}）", "MW-{id} (lead status: {status})"),
    "report.extracted_at": ("提取时间", "Extracted at"),
    "report.bureau": ("执法单位", "Enforcement unit"),
    "report.bureau_unset": ("（未设置，MARKWATCH_BUREAU）", "(not set: MARKWATCH_BUREAU)"),
    "report.extractor": ("提取人", "Extracted by"),
    "report.witness": ("见证人", "Witness"),
    "report.witness_none": ("（导出时未指定）", "(none named at export)"),
    "report.officer": (
        "{name}（执法证号：{certificate}）",
        "{name} (Enforcement certificate no.: {certificate})",
    ),
    "report.unregistered": ("未登记", "not registered"),
    "report.place": ("提取地点", "Place of extraction"),
    "report.place_unset": ("（未设置，MARKWATCH_EXTRACTION_PLACE）", "(not set: MARKWATCH_EXTRACTION_PLACE)"),
    "report.place_unset_short": ("提取地点未设置", "a place of extraction not set"),
    "report.environment": ("提取环境", "Extraction environment"),
    "report.env_fetched": (
        "于{place}，由本系统从其存储中导出。网页由本系统抓取，抓取工具：{tools}",
        "At {place}, exported by this system from its storage. The pages were fetched by this system "
        "with: {tools}",
    ),
    "report.env_unrecorded": ("未记录", "not recorded"),
    "report.env_browsers": ("；浏览器：{items}", "; browsers: {items}"),
    "report.env_egress": ("；出口网络：{items}", "; egress network: {items}"),
    "report.env_end": (
        "。各次抓取的时间、抓取方式、浏览器标识（User-Agent）、浏览器版本、出口网络、请求网址、最终网址、"
        "HTTP 状态及全部响应头见第四部分。",
        ". The time, way of fetching, user agent, browser version, egress network, requested URL, final URL, "
        "HTTP status and every response header of each fetch are in part 4.",
    ),
    "report.method": ("提取方法", "Extraction method"),
    "report.held_html": ("网页原始 HTML {n} 份", "{n} original HTML pages"),
    "report.held_shots": ("页面截图 {n} 张", "{n} page screenshots"),
    "report.held_images": ("商品图片 {n} 张", "{n} product images"),
    "report.held_archive": (
        "{warcs} 次抓取的网页存档（WARC 记录，合为 WACZ 文件 {file}）",
        "web archives of {warcs} fetches (WARC records, combined in the WACZ file {file})",
    ),
    "report.saved": (
        "由网络交易监测系统在其抓取时保存{held}（按 SHA-256 内容寻址存储），导出时原样打包，",
        "The online marketplace monitoring system saved {held} when it fetched them (stored addressed by "
        "their SHA-256) and packed them unchanged at export; ",
    ),
    "report.saved_none": (
        "本证据包不含网页快照、截图、商品图片或网页存档，仅含系统记录的线索信息；",
        "This packet holds no page snapshots, screenshots, product images or web archives, only the lead's "
        "facts as the system recorded them; ",
    ),
    "report.hashed": (
        "逐个计算 SHA-256 哈希值，并以本系统安装密钥（Ed25519）对清单 manifest.json 签名；",
        "the SHA-256 hash of each file was computed and the manifest manifest.json signed with this "
        "installation's key (Ed25519). ",
    ),
    "report.crawled_n": ("常规抓取 {n} 次", "{n} regular crawls"),
    "report.browser_n": ("浏览器取证抓取 {n} 次", "{n} browser evidence captures"),
    "report.none_succeeded": ("均未成功", "none succeeded"),
    "report.captures": (
        "对提取对象的网页共抓取 {n} 次（{done}）",
        "The object's page was fetched {n} times ({done})",
    ),
    "report.failed_one": ("快照 {n}：{reason}", "snapshot {n}: {reason}"),
    "report.captures_failed": (
        "，其中 {n} 次抓取失败（{reasons}），失败的抓取不含网页和截图",
        ", of which {n} failed ({reasons}); a failed fetch holds no page and no screenshot",
    ),
    "report.ts_token": (
        "清单的 SHA-256 哈希值已由时间戳服务（{tsa}）加盖 RFC 3161 可信时间戳"
        "（{file}，时间与服务名称以 markwatch evidence verify 核验结果为准）。",
        "The manifest's SHA-256 hash carries an RFC 3161 trusted time stamp of the time-stamp service "
        "({tsa}) "
        "({file}; the time and the service's name are as markwatch evidence verify reports them).",
    ),
    "report.ts_refused": (
        "时间戳服务（{tsa}）未给出有效的时间戳（{reason}），本证据包未加盖可信时间戳，提取时间仅为本系统时钟所记。",
        "The time-stamp service ({tsa}) gave no valid time stamp ({reason}): this packet carries no trusted "
        "time stamp, and the time of extraction is only as this system's clock recorded it.",
    ),
    "report.ts_none": (
        "本证据包未加盖可信时间戳（未配置时间戳服务 MARKWATCH_TSA_URL），提取时间仅为本系统时钟所记。",
        "This packet carries no trusted time stamp (no time-stamp service set: MARKWATCH_TSA_URL); the time "
        "of extraction is only as this system's clock recorded it.",
    ),
    "report.tool": ("提取工具", "Extraction tool"),
    "report.tool_value": (
        "{tool}（网络交易傍名牌、假冒商品监测系统）",
        "{tool} (monitoring system for lookalike and counterfeit goods in online marketplaces)",
    ),
    # 二、提取对象
    "report.object": ("二、提取对象", "2. Object of extraction"),
    "report.platform": ("交易平台", "Marketplace"),
    "report.listing_url": ("商品网址", "Listing URL"),
    "report.listing_title": ("商品标题", "Listing title"),
    "report.external_id": ("商品编号", "Listing no."),
    "report.category": ("商品类目", "Category"),
    "report.description": ("商品描述", "Description"),
    "report.images": ("商品图片", "Product images"),
    "report.images_held": (
        "（证据包保存商品图片 {n} 张，见“九、截图与商品图片”）",
        "({n} product images kept in the packet: see “9. Screenshots and product images”)",
    ),
    "report.seller": ("店铺（卖家）", "Shop (seller)"),
    "report.seller_value": ("{name}（平台内编号 {id}）", "{name} (id on the marketplace {id})"),
    "report.shop_url": ("店铺网址", "Shop URL"),
    "report.opened_rating": ("开店日期／评分", "Opened / rating"),
    "report.blacklisted": ("黑名单卖家", "Blacklisted seller"),
    "report.licence": ("营业执照/统一社会信用代码", "Business licence / unified social credit code"),
    "report.licence_unshown": ("（页面未显示）", "(not shown on the page)"),
    "report.licence_ok": ("（校验通过，登记地：{region}）", " (check passed; registered in {region})"),
    "report.licence_bad": ("（校验未通过：{reason}）", " (check failed: {reason})"),
    "report.price": ("当前价格", "Current price"),
    "report.sold": ("销量", "Units sold"),
    "report.sales": ("估算销售额（价格×销量）", "Estimated sales (price × units sold)"),
    "report.seen": ("首次／最近发现", "First / last seen"),
    # 三、监测发现
    "report.findings": ("三、监测发现", "3. Findings"),
    "report.brand": ("涉及品牌", "Brand concerned"),
    "report.violation": ("违法类型", "Kind of violation"),
    "report.risk": ("风险", "Risk"),
    "report.department": ("承办处室", "Department in charge"),
    "report.transfer": ("移送审查", "Referral review"),
    "report.transfer_yes": (
        "估算销售额达到刑事立案标准，需审查是否移送公安机关",
        "The estimated sales reach the threshold of a criminal case: review whether to refer it to the "
        "police",
    ),
    "report.model": ("评分模型", "Scoring model"),
    "report.flagged": ("首次／最近标记", "First / last flagged"),
    "report.reasons": ("评分理由：", "Scoring reasons:"),
    "report.col_n": ("序号", "No."),
    "report.col_signal": ("信号", "Signal"),
    "report.col_weight": ("权重", "Weight"),
    "report.col_detail": ("说明", "Detail"),
    # 四、网页快照
    "report.snapshots": ("四、网页快照（共 {n} 次抓取）", "4. Page snapshots ({n} fetches)"),
    "report.no_snapshots": ("（无网页快照）", "(no page snapshots)"),
    "report.snapshot": ("快照 {n}", "Snapshot {n}"),
    "report.kind_html": ("网页源码", "page source"),
    "report.kind_screenshot": ("截图", "screenshot"),
    "report.kind_warc": ("网页存档 WARC", "web archive WARC"),
    "report.file_kind": ("{file}（{what}）", "{file} ({what})"),
    "report.file_missing": ("{what}原始文件已缺失", "{what}: the original file is missing"),
    "report.requested_url": ("请求网址", "Requested URL"),
    "report.final_url": ("最终网址", "Final URL"),
    "report.fetched_at": ("抓取时间", "Fetched at"),
    "report.http_status": ("HTTP 状态", "HTTP status"),
    "report.fetch_tool": ("抓取工具", "Fetching tool"),
    "report.evidence_files": ("证据文件", "Evidence files"),
    "report.headers": ("响应头", "Response headers"),
    "report.header_value": ("值", "Value"),
    "report.no_headers": (
        "无（未记录响应头，例如浏览器页内路由快照）",
        "None (no response headers recorded, e.g. a browser snapshot of an in-page route)",
    ),
    "report.way": ("抓取方式", "Way of fetching"),
    "report.way_browser": ("浏览器取证抓取（Chromium）", "Browser evidence capture (Chromium)"),
    "report.way_crawl": ("常规抓取", "Regular crawl"),
    "report.attempts": ("，尝试 {n} 次", ", {n} attempts"),
    "report.user_agent": ("浏览器标识", "User agent"),
    "report.browser_version": ("浏览器版本", "Browser version"),
    "report.egress": ("出口网络", "Egress network"),
    "report.result": ("抓取结果", "Result"),
    "report.failed": ("失败：{reason}（无网页、无截图）", "Failed: {reason} (no page, no screenshot)"),
    # 五、价格记录 / 六、处理记录
    "report.prices": ("五、价格记录", "5. Price history"),
    "report.no_prices": ("（无价格记录）", "(no price history)"),
    "report.col_observed": ("观测时间（北京时间）", "Observed (Beijing time)"),
    "report.col_price": ("价格", "Price"),
    "report.audit": ("六、处理记录", "6. Handling record"),
    "report.no_audit": ("（无处理记录）", "(no handling record)"),
    "report.col_time": ("时间（北京时间）", "Time (Beijing time)"),
    "report.col_by": ("操作人", "By"),
    "report.col_action": ("操作", "Action"),
    "report.col_note": ("备注", "Note"),
    # 七、完整性校验 / 八、签名 / 九、图片
    "report.integrity": (
        "七、电子数据完整性校验（SHA-256）",
        "7. Integrity of the electronic data (SHA-256)",
    ),
    "report.col_file": ("文件名", "File name"),
    "report.col_size": ("大小（字节）", "Size (bytes)"),
    "report.verify_howto": (
        "清单文件 manifest.json 记载上表及证据包内全部文件（含本笔录 report.pdf）的哈希值，"
        "并由本系统安装密钥签名（manifest.sig）。核验方法：markwatch evidence verify 证据包.zip "
        '--key "{fingerprint}"（指纹以出具单位公布的或本笔录纸质签字件所载的为准，'
        "不能取自被核验的证据包本身），或按 docs/evidence.md 所述用 OpenSSL 自行核验。",
        "The manifest manifest.json records the hashes of the files above and of every file of the packet "
        "(this record, report.pdf, included) and is signed with this installation's key (manifest.sig). "
        'To verify: markwatch evidence verify packet.zip --key "{fingerprint}" (the fingerprint as the '
        "issuing unit published it or as the signed paper copy of this record gives it, never taken from the "
        "packet being verified), or verify it with OpenSSL as docs/evidence.md describes.",
    ),
    "report.sig_algorithm": ("签名算法", "Signature algorithm"),
    "report.sig_algorithm_value": (
        "Ed25519（对 manifest.json 全部字节签名）",
        "Ed25519 (over every byte of manifest.json)",
    ),
    "report.public_key": ("公钥", "Public key"),
    "report.fingerprint": ("公钥指纹", "Key fingerprint"),
    "report.trusted_time": ("可信时间戳", "Trusted time stamp"),
    "report.signatures": ("八、签名", "8. Signatures"),
    "report.sign_extractor": ("提取人（签名）：", "Extracted by (signature):"),
    "report.sign_witness": ("见证人（签名）：", "Witness (signature):"),
    "report.sign_holder": (
        "电子数据持有人（签名/盖章）：",
        "Holder of the electronic data (signature / seal):",
    ),
    "report.sign_date": ("日期：", "Date:"),
    "report.pictures": ("九、截图与商品图片", "9. Screenshots and product images"),
    "report.picture_shot": ("页面截图", "Page screenshot"),
    "report.picture_image": ("商品图片", "Product image"),
    "report.figure": ("图 {n}：{what}（证据包内文件 {name}）", "Figure {n}: {what} (packet file {name})"),
    "report.unshowable": (
        "（此图片格式无法在笔录中显示，原始文件见证据包）",
        "(this image's format cannot be shown in the record; the original file is in the packet)",
    ),
}


def normalise(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANG
    lang = lang.replace("-", "_")
    if lang.lower().startswith("en"):
        return "en"
    return DEFAULT_LANG


def translate(key: str, lang: str = DEFAULT_LANG, /, **values: object) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry[1] if normalise(lang) == "en" else entry[0]
    return text.format(**values) if values else text


def label(prefix: str, value: str | None, lang: str = DEFAULT_LANG) -> str:
    """The translated name of a code (``violation.counterfeit_mark``); an unknown code shows as itself."""
    if value is None:
        return translate(f"{prefix}.none", lang) if f"{prefix}.none" in MESSAGES else "—"
    key = f"{prefix}.{value}"
    return translate(key, lang) if key in MESSAGES else value


def job_name(job_id: str, lang: str = DEFAULT_LANG) -> str:
    """A scheduled job in words: ``crawl:demo-static`` → 采集 demo-static."""
    kind, _, platform = job_id.partition(":")
    key = f"job.{kind}"
    return translate(key, lang, platform=platform) if key in MESSAGES else job_id


def schedule_words(trigger: dict[str, object] | None, lang: str = DEFAULT_LANG) -> str:
    """A schedule as storage.jobs.trigger_facts describes it, in words: 每天 02:00 / daily at 02:00,
    每 30 分钟 / every 30 minutes; a cron schedule words cannot say plainly shows as its expression."""
    if not trigger:
        return translate("schedule.none", lang)
    seconds = trigger.get("every_seconds")
    if isinstance(seconds, int):
        for unit, size in (("hours", 3600), ("minutes", 60), ("seconds", 1)):
            if seconds % size == 0:
                if unit == "hours":
                    return translate("schedule.every_hours", lang, n=seconds // size, minute="00")
                return translate(f"schedule.every_{unit}", lang, n=seconds // size)
    cron = trigger.get("cron")
    if not isinstance(cron, dict):
        return str(trigger.get("text", ""))
    hour, minute = str(cron.get("hour", "*")), str(cron.get("minute", "0"))
    if set(cron) <= {"hour", "minute"} and minute.isdigit():
        if all(h.isdigit() for h in hour.split(",")):
            times = [f"{int(h):02d}:{int(minute):02d}" for h in hour.split(",")]
            return translate("schedule.daily", lang, times=translate("list.sep", lang).join(times))
        if hour == "*":
            return translate("schedule.hourly", lang, minute=f"{int(minute):02d}")
        if hour.startswith("*/") and hour[2:].isdigit():
            return translate("schedule.every_hours", lang, n=int(hour[2:]), minute=f"{int(minute):02d}")
    expr = " ".join(str(cron.get(f, "*")) for f in ("minute", "hour", "day", "month", "day_of_week"))
    return translate("schedule.cron", lang, expr=expr)
