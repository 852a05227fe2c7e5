"""``evaltool demo``: write the region's files, import them through the library and write the
reports."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from evaltool.demo.files import ClientFile, write_client_files
from evaltool.demo.region_files import (
    write_partner_matrix,
    write_partner_ties,
    write_register,
    write_roster,
)
from evaltool.demo.simulate import (
    CLIENT_SURVEY,
    DEMO_LABEL,
    FILE_TAG,
    MARKER,
    PARTNER_ROUNDS,
    PROJECTS,
    SEED,
    simulate_partner_rounds,
)
from evaltool.errors import UserError

#: The project whose report the demo also writes as Word and PDF (with the programme's).
DOCUMENT_PROJECT = "S20127"


@dataclass(frozen=True)
class PartnerFile:
    """A generated partner-survey file: round label, shape and the respondents (matrix) or
    ties (tie list) it holds."""

    path: Path
    round: str
    shape: str
    rows: int


@dataclass
class DemoData:
    """What :func:`generate_data` wrote."""

    root: Path
    clients: list[ClientFile]
    partners: list[PartnerFile]
    roster: Path
    register: Path
    participants: Path | None = None
    files: list[Path] = field(default_factory=list)


def _readme(data: DemoData) -> str:
    lines = [
        DEMO_LABEL.upper(),
        "",
        "Tämän kansion aineisto on keksittyä. Hankkeet, organisaatiot, asiakkaat, vastaukset,",
        "hankekoodit ja luvut on tuotettu satunnaisesti (evaltool demo, kiinteä siemenluku",
        f"{SEED}). Ne eivät kuvaa yhtään todellista hanketta tai ihmistä.",
        "",
        "The data in this folder are invented (synthetic example region).",
        "",
        "Hankkeet (asiakaskyselyt kolmessa mittauksessa):",
    ]
    for p in PROJECTS:
        files = [c for c in data.clients if c.project_code == p.code]
        counts = ", ".join(str(c.respondents) for c in files)
        lines.append(f"  {p.code}  {p.name}  ({p.instrument}, {p.tool}; vastaajia {counts})")
    lines += ["", "Kumppanikyselyt:"]
    lines += [f"  {f.round}: {f.path.name} ({f.shape}, {f.rows})" for f in data.partners]
    lines += [
        "",
        f"Kumppanirekisteri: {data.roster.name}",
        f"ESR-hankerekisteri: {data.register.name}",
        f"ESR+-osallistujatiedot (2021–2027): {data.participants.name}",
        "",
    ]
    return "\n".join(lines)


def generate_data(directory: str | Path) -> DemoData:
    """Write every data file of the synthetic region under ``directory / "data"``.

    Parameters
    ----------
    directory
        The demo folder; the files go to its ``data`` folder and the marker file
        :data:`~evaltool.demo.simulate.MARKER` beside it.

    Returns
    -------
    DemoData
        Every file written and how it is imported.
    """
    root = Path(directory)
    data_dir = root / "data"
    clients = write_client_files(data_dir / "asiakkaat")
    pdir = data_dir / "kumppanit"
    pdir.mkdir(parents=True, exist_ok=True)
    roster = pdir / f"{FILE_TAG}_kumppaniorganisaatiot.csv"
    write_roster(roster)
    r1, r2 = simulate_partner_rounds()
    partners = []
    path = pdir / f"{FILE_TAG}_kumppanikysely_syksy-2012_webropol.xlsx"
    partners.append(
        PartnerFile(path, PARTNER_ROUNDS[1], "roster_matrix", write_partner_matrix(r1, path))
    )
    path = pdir / f"{FILE_TAG}_kumppanikysely_syksy-2013_vaittamat_webropol.xlsx"
    partners.append(
        PartnerFile(
            path, PARTNER_ROUNDS[2], "roster_matrix", write_partner_matrix(r2, path, roster=False)
        )
    )
    path = pdir / f"{FILE_TAG}_kumppanikysely_syksy-2013_yhteistyosuhteet.csv"
    partners.append(PartnerFile(path, PARTNER_ROUNDS[2], "tie_list", write_partner_ties(r2, path)))
    rdir = data_dir / "rekisteri"
    rdir.mkdir(parents=True, exist_ok=True)
    register = rdir / f"{FILE_TAG}_ESR-hankerekisteri.xlsx"
    write_register(register)
    from evaltool.demo.participants import write_participants

    participants = rdir / f"{FILE_TAG}_ESR-osallistujatiedot_2021-2027.xlsx"
    write_participants(participants)
    out = DemoData(root, clients, partners, roster, register, participants)
    (root / MARKER).write_text(_readme(out), encoding="utf-8")
    out.files = sorted(p for p in data_dir.rglob("*") if p.is_file()) + [root / MARKER]
    return out


def _prepare(root: Path) -> None:
    """Make ``root`` ready for a fresh demo: create it, or clear what an earlier demo made.
    A non-empty folder that is not a demo folder is refused, never emptied."""
    if root.exists() and not root.is_dir():
        raise UserError(f"{root} exists and is not a folder")
    if not root.exists() or not any(root.iterdir()):
        root.mkdir(parents=True, exist_ok=True)
        return
    if not (root / MARKER).is_file():
        raise UserError(
            f"{root} is not empty and was not made by 'evaltool demo'; give an empty or new folder"
        )
    from evaltool.store.workspace import DB_NAME

    for name in ("data", "reports"):
        if (root / name).is_dir():
            shutil.rmtree(root / name)
    for name in (DB_NAME, f"{DB_NAME}-journal", MARKER):
        if (root / name).exists():
            (root / name).unlink()


def build_demo(
    directory: str | Path = Path("evaltool-demo"),
    progress: bool = True,
    lang: str | None = None,
    database: str | None = None,
) -> Path:
    """Build the synthetic example region in ``directory``: data files, a workspace holding
    their imports and the reports.

    Every import goes through the library's normal import functions (client questionnaires
    with :func:`evaltool.imports.clients.import_clients`, partner rounds with
    :func:`evaltool.imports.partners.import_partners`, the register with
    :func:`evaltool.imports.register.import_projects`) and the reports are written by
    :func:`evaltool.report.write_all_reports`.

    Parameters
    ----------
    directory
        The demo folder: new, empty, or made by an earlier demo (then rebuilt).
    progress
        Print a line per step.
    lang
        Report language: ``fi``, ``sv`` or ``en`` (default the workspace's language, Finnish).
    database
        A PostgreSQL URL holding no workspace yet: the demo's store (default: the folder's
        ``evaltool.sqlite``).

    Returns
    -------
    pathlib.Path
        The reports' ``index.fi.html`` (or ``index.sv.html`` …).
    """
    from evaltool.imports.clients import ClientImportOptions, import_clients
    from evaltool.imports.partners import import_partners
    from evaltool.imports.register import import_projects
    from evaltool.report import write_all_reports
    from evaltool.store.workspace import Workspace

    root = Path(directory)
    t0 = time.perf_counter()

    def say(message: str) -> None:
        if progress:
            print(f"[{time.perf_counter() - t0:5.1f} s] {message}", flush=True)

    _prepare(root)
    say(f"{DEMO_LABEL}: writing the data files to {root / 'data'}")
    data = generate_data(root)
    n_resp = sum(c.respondents for c in data.clients)
    say(
        f"{len(data.clients)} client survey exports ({len(PROJECTS)} projects, 3 waves, "
        f"{n_resp} responses), {len(data.partners)} partner survey files, the partner roster "
        "and the ESR project register"
    )
    ws = Workspace.init(root, database=database)
    try:
        result = import_projects(ws, data.register)
        say(f"ESR project register imported: {result.rows_stored} projects")
        for project in PROJECTS:
            counts: dict[str, list[str]] = {}
            layout = ""
            for f in (c for c in data.clients if c.project_code == project.code):
                instruments = [f.instrument] + ([CLIENT_SURVEY] if f.experience else [])
                for name in instruments:
                    opts = ClientImportOptions(
                        instrument=name, project=f.project, wave=f.wave, id_column=f.id_column
                    )
                    result = import_clients(ws, [f.path], opts).files[0]
                    layout = result.layout
                    counts.setdefault(name, []).append(str(result.rows_stored))
            say(
                f"{project.code} {project.name}: layout {layout}; responses per wave "
                + "; ".join(f"{name} {'/'.join(n)}" for name, n in counts.items())
            )
        from evaltool.imports.participants import import_participants

        result = import_participants(ws, data.participants)
        say(f"ESR+ participant records imported: {result.rows_stored} participants")
        for pf in data.partners:
            res = import_partners(ws, pf.path, pf.round, roster=data.roster)
            say(
                f"partner round {pf.round} ({res.shape}): {res.n_respondents} responding "
                f"organisations, {res.n_ties} ties, {res.n_statements} statement answers"
            )
        say("writing the reports")
        index = write_all_reports(ws, root / "reports", lang, progress=False)
        from evaltool.report import write_documents

        try:
            docs = write_documents(
                ws, root / "reports", lang, formats=("docx", "pdf"), projects=[DOCUMENT_PROJECT]
            )
            say("Word and PDF: " + ", ".join(p.name for p in docs))
        except UserError as exc:  # no Chromium on this machine
            say(f"Word and PDF reports not written: {exc}")
    finally:
        ws.close()
    say(f"done: {index}")
    return index
