"""The `voting` command: set up, import, serve and demo."""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import inspect

from .extensions import db
from .services.errors import DomainError


class AppHolder:
    """Create the Flask app lazily, once per command."""

    def __init__(self, instance: str | None):
        self.instance = instance
        self._app: Flask | None = None

    @property
    def app(self) -> Flask:
        if self._app is None:
            from . import create_app

            self._app = create_app({"INSTANCE_PATH": self.instance} if self.instance else None)
        return self._app


def with_app(fn):
    """Run the command inside an app context and turn domain errors into a clean exit."""

    @click.pass_obj
    @functools.wraps(fn)
    def wrapper(holder: AppHolder, *args, **kwargs):
        with holder.app.app_context():
            try:
                return fn(*args, **kwargs)
            except DomainError as error:
                lines = [error.message, *(f"  - {p}" for p in getattr(error, "problems", ()))]
                raise click.ClickException("\n".join(lines)) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--instance",
    envvar="VOTING_INSTANCE_PATH",
    type=click.Path(file_okay=False),
    help="Instance folder (config, secrets, SQLite database). Default: ./instance",
)
@click.pass_context
def main(ctx: click.Context, instance: str | None) -> None:
    """小区居民会议选举与表决服务 — residents' meeting service."""
    ctx.obj = AppHolder(instance or str(Path.cwd() / "instance"))


@main.command("init-db")
@with_app
def init_db() -> None:
    """Create the database tables (existing tables and data are kept)."""
    db.create_all()
    click.echo(f"数据库已就绪 / database ready: {db.engine.url.render_as_string(hide_password=True)}")


def schema_ready() -> bool:
    """Tell whether init-db has created the tables."""
    return inspect(db.engine).has_table("staff_user")


def read_password(prompt: str = "密码 / password") -> str:
    """Read a password from the terminal (twice) or from the first line of stdin."""
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@main.command("create-staff")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "staff", "observer"]), required=True)
@click.option("--name", "display_name", default="", help="Display name, e.g. 王主任")
@click.option("--community", "communities", multiple=True, help="小区 name or id (repeatable)")
@click.option("--all-communities", is_flag=True, help="Deployment-wide account (街道): sees every 小区")
@with_app
def create_staff_command(username, role, display_name, communities, all_communities) -> None:
    """Create a staff account; the password comes from a prompt or stdin, never an argument."""
    from .services import staff

    if not communities and not all_communities:
        raise click.UsageError("give --community NAME (repeatable) or --all-communities")
    password = read_password()
    members = [staff.community_by_name(name) for name in communities]
    user = staff.create_staff(
        username, password, role, display_name=display_name, communities=members, all_communities=all_communities
    )
    click.echo(f"已创建账号 {user.username}（{user.role.label}）")


@main.group()
def community() -> None:
    """Manage 小区."""


@community.command("create")
@click.argument("name")
@with_app
def community_create(name: str) -> None:
    """Create a 小区."""
    from .services import staff

    created = staff.create_community(name, "cli")
    click.echo(f"已新建小区 {created.name}（id {created.id}）")


@main.group()
def households() -> None:
    """Import and export the household register."""


@households.command("import")
@click.argument("community_name", metavar="COMMUNITY")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--update", is_flag=True, help="Overwrite registered households whose details differ")
@with_app
def households_import(community_name: str, file: str, update: bool) -> None:
    """Import a register (.csv in UTF-8/GBK, or .xlsx) into COMMUNITY, all or nothing."""
    from .services import households as service
    from .services import staff

    target = staff.community_by_name(community_name)
    data = Path(file).read_bytes()
    with click.progressbar(length=1, label="校验", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        report = service.import_households(target, Path(file).name, data, "cli", update=update, progress=progress)
    click.echo(f"导入完成：{report.summary()}")


@households.command("export")
@click.argument("community_name", metavar="COMMUNITY")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_app
def households_export(community_name: str, file: str) -> None:
    """Export COMMUNITY's register to FILE (.csv or .xlsx, by its extension)."""
    from .services import households as service
    from .services import staff

    fmt = Path(file).suffix.lower().lstrip(".")
    data = service.export_households(staff.community_by_name(community_name), fmt)
    Path(file).write_bytes(data)
    click.echo(f"已导出 {file}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="0.0.0.0 to serve the whole LAN")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option(
    "--connection-limit",
    default=1000,
    show_default=True,
    type=int,
    help="open connections (waitress's own default, 100, is less than a hall of phones)",
)
@click.pass_obj
def serve(holder: AppHolder, host: str, port: int, threads: int, connection_limit: int) -> None:
    """Serve the app with waitress (a production WSGI server)."""
    app = holder.app
    with app.app_context():
        if not schema_ready():
            raise click.ClickException("数据库尚未初始化，请先运行 voting init-db")
    run_waitress(app, host, port, threads, connection_limit)


def run_waitress(app: Flask, host: str, port: int, threads: int, connection_limit: int = 1000) -> None:
    """Start waitress and print where the service answers."""
    import waitress

    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"服务地址 / serving at: http://{shown}:{port}/", err=True)
    # waitress warns "Task queue depth is N" for every request that waits for a thread: under a
    # burst of phones that is a log line per request, written while the voters wait.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    waitress.serve(app, host=host, port=port, threads=threads, connection_limit=connection_limit, ident="voting")


@main.command()
@click.option(
    "--instance",
    "demo_instance",
    type=click.Path(file_okay=False),
    help="Keep the demo here instead of a temporary folder",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Create the demo and exit")
def demo(demo_instance: str | None, host: str, port: int, no_serve: bool) -> None:
    """Create a throw-away instance with a demo 小区 and serve it."""
    import tempfile

    from . import create_app
    from .demo import seed_demo, seed_demo_meeting

    folder = demo_instance or tempfile.mkdtemp(prefix="voting-demo-")
    app = create_app({"INSTANCE_PATH": folder})
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    with app.app_context():
        db.create_all()
        info = seed_demo()
        meeting_id = seed_demo_meeting(f"http://{shown}:{port}")
    click.echo(f"演示数据目录 / demo instance: {folder}")
    click.echo(f"小区 / community: {info['community']}（{info['households']} 户）")
    click.echo(
        f"演示会议 / demo meeting: http://{shown}:{port}/admin/m/{meeting_id}（选票 PDF：/admin/m/{meeting_id}/ballots.pdf）"
    )
    click.echo(f"登录 / login: http://{shown}:{port}/login  用户名 {info['username']}  密码 {info['password']}")
    click.echo("（密码只显示这一次 / the password is shown only once）")
    if not no_serve:
        run_waitress(app, host, port, 8)


@main.group()
def meeting() -> None:
    """Create meetings."""


@meeting.command("create")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_app
def meeting_create(file: str) -> None:
    """Create a meeting and its agenda from a TOML or JSON FILE (see README)."""
    from .services.meeting_file import create_meeting_from_file, parse_meeting_file

    data = parse_meeting_file(file, Path(file).read_text(encoding="utf-8"))
    created = create_meeting_from_file(data)
    click.echo(f"已创建会议“{created.title}”（id {created.id}），{len(created.contests)} 个表决事项")


@main.group()
def candidates() -> None:
    """List candidates."""


@candidates.command("list")
@click.argument("meeting_id", metavar="MEETING", type=int)
@click.option("--all", "show_all", is_flag=True, help="Include pending and rejected registrations")
@with_app
def candidates_list(meeting_id: int, show_all: bool) -> None:
    """List MEETING's candidates in ballot order (or every registration with --all)."""
    from .core import age_on
    from .services import agenda, meetings, registrations

    target = meetings.public_meeting(meeting_id)
    contest = agenda.committee_contest(target)
    if contest is None:
        raise click.ClickException("该会议没有管委会选举。")
    day = meetings.meeting_date(target)
    if show_all:
        rows = registrations.list_registrations(target)
    elif target.candidates_published_at:
        rows = [o.registration for o in contest.options]
    else:
        rows = registrations.approved_in_ballot_order(target, contest)
    state = "已公示" if target.candidates_published_at else "未公示"
    click.echo(f"{target.title}：应选 {contest.settings['seats']} 名，候选人{state}，共 {len(rows)} 人")
    for n, r in enumerate(rows, start=1):
        kind = "推荐" if r.kind == "recommended" else "自荐"
        click.echo(
            f"{n:>3}. {r.name}\t{r.gender}\t{age_on(r.birth_date, day)}岁\t{r.household.address}\t{kind}\t{r.status.label}\t{r.reference}"
        )


@main.group("ballots")
def ballots_group() -> None:
    """Issue and print ballots."""


@ballots_group.command("issue")
@click.argument("meeting_id", metavar="MEETING", type=int)
@with_app
def ballots_issue(meeting_id: int) -> None:
    """Issue ballots to every household with a vote (freezes the agenda)."""
    from .services import ballots, meetings

    count = ballots.issue_ballots(meetings.public_meeting(meeting_id), "cli")
    click.echo(f"已为 {count} 户发放选票。")


@ballots_group.command("print")
@click.argument("meeting_id", metavar="MEETING", type=int)
@click.option(
    "--out", "out_path", required=True, type=click.Path(dir_okay=False, writable=True), help="PDF file to write"
)
@click.option("--per-page", type=click.Choice(["1", "2"]), default="1", show_default=True)
@with_app
def ballots_print(meeting_id: int, out_path: str, per_page: str) -> None:
    """Write MEETING's ballots to a PDF for printing."""
    from ballots.pdf import render_pdf

    from .services import ballots, meetings

    meeting = meetings.public_meeting(meeting_id)
    if meeting.ballots_issued_at is None:
        raise click.ClickException("选票尚未发放：请先运行 voting ballots issue MEETING")
    sheets = ballots.sheets(meeting)
    with open(out_path, "wb") as out, click.progressbar(length=len(sheets), label="生成选票", file=sys.stderr) as bar:
        drawn = 0

        def progress(done: int) -> None:
            nonlocal drawn
            bar.update(done - drawn)
            drawn = done

        render_pdf(sheets, out, per_page=int(per_page), progress=progress)
    click.echo(f"已生成 {len(sheets)} 张选票：{out_path}")


@main.group("audit")
def audit_group() -> None:
    """The signed audit record."""


@audit_group.command("export")
@click.argument("meeting_id", metavar="MEETING", type=int)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, writable=True))
@with_app
def audit_export(meeting_id: int, out_path: str) -> None:
    """Write MEETING's signed audit record (the same bytes as the public download)."""
    from . import keys
    from .services import audit_record, meetings

    meeting = meetings.public_meeting(meeting_id)
    data = audit_record.record_bytes(meeting)
    Path(out_path).write_bytes(data)
    click.echo(f"已导出 {out_path}（{len(data):,} 字节），公钥指纹 {keys.fingerprint(meeting.public_key)}")
    click.echo(f"核验 / verify: python scripts/verify_audit.py {out_path} --public-key {meeting.public_key}")


@main.group("api-key")
def api_key_group() -> None:
    """Staff API keys (Authorization: Bearer ...)."""


@api_key_group.command("create")
@click.argument("username")
@click.option("--label", default="", help="What the key is for, e.g. 街道平台")
@with_app
def api_key_create(username: str, label: str) -> None:
    """Create an API key for USERNAME; it is printed once and stored only as a hash."""
    from .services import api_keys

    key, record = api_keys.create_key(username, label)
    click.echo(key)
    click.echo(f"（只显示这一次；前缀 {record.prefix}，撤销：voting api-key revoke {record.prefix}）", err=True)


@api_key_group.command("list")
@click.argument("username", required=False)
@with_app
def api_key_list(username: str | None) -> None:
    """List API keys (prefixes only)."""
    from .services import api_keys

    for key in api_keys.list_keys(username):
        state = f"已撤销 {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "有效"
        click.echo(f"{key.prefix}\t{key.staff.username}\t{key.label}\t{state}")


@api_key_group.command("revoke")
@click.argument("prefix")
@with_app
def api_key_revoke(prefix: str) -> None:
    """Revoke the API key with this prefix."""
    from .services import api_keys

    api_keys.revoke_key(prefix)
    click.echo(f"已撤销 {prefix}")
