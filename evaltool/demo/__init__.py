"""Synthetic example region behind ``evaltool demo``: invented projects, clients and partners.

:func:`build_demo` writes a complete, clearly labelled *synthetic* evaluation into a folder:

* ``data/asiakkaat/`` — client questionnaires of about a dozen invented intermediate labour
  market projects, three waves each (entry, mid-point, end), as real export files of several
  survey tools (Webropol-like xlsx, Google Forms CSV, Microsoft Forms xlsx, SurveyMonkey CSV,
  Qualtrics CSV, LimeSurvey CSV, SPSS ``.sav`` and a hand-typed Excel sheet). Some projects
  use WHOQOL-BREF, others EUROHIS-QOL 8; every questionnaire also carries the background
  questions and goals of ``surveys/kevat-client.toml``, and from wave 2 on its Likert blocks
  (participation and guidance, perceived effects) and open answers (good sides, things to
  improve). Waves 2 and 3 are therefore imported twice: as the quality-of-life instrument
  and as ``kevat-client``.
* ``data/kumppanit/`` — two partner survey rounds of about twenty organisations (autumn 2012:
  a web-survey export with the statements and a roster matrix; autumn 2013: the statements
  as a web-survey export and the roster answers as a tie list) and a roster file with
  sectors.
* ``data/rekisteri/`` — an ESR project register with planned and realised indicators.

The files are then imported through the normal library functions into a workspace in the same
folder, and the reports are written to ``reports/``.

Everything is generated from a fixed seed with numpy, vectorised per column, and every file
is written byte-for-byte reproducibly: xlsx packages get fixed zip timestamps and document
properties, SPSS files a fixed creation date. All names, codes, people and numbers are
invented; file names, titles and the register say so ("Synteettinen esimerkkialue —
keksittyä aineistoa").

The simulated effects are deliberately ordinary: quality of life improves on average
between waves with differences between projects, 20–35 % of clients drop out per wave (more
often those who started worse off), a few items are skipped or answered "En osaa sanoa", and
cooperation between partner organisations improves a little from 2012 to 2013.

The package runs in stages: :mod:`.simulate` (the region, its clients and partner rounds, the
random streams), :mod:`.forms` (each project's questionnaire per wave with the answers),
:mod:`.files` (which survey tool's export each client file is written as, by the writers
of :mod:`evaltool.testing`), :mod:`.region_files` (partner rounds, roster, register) and
:mod:`.build` (writing every file, the imports and the reports).
"""

from evaltool.demo.build import DemoData, PartnerFile, _prepare, build_demo, generate_data
from evaltool.demo.files import WRITERS, ClientFile, client_file_name, write_client_files
from evaltool.demo.forms import FORMULA_ANSWER, SCRIPT_ANSWER, Form, build_form, qol_blocks
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
    ORGANISATIONS,
    PARTNER_ROUNDS,
    PROJECTS,
    SEED,
    WAVE_DATES,
    WAVE_NAMES,
    DemoProject,
    Panel,
    PartnerRound,
    register_table,
    simulate_panel,
    simulate_partner_rounds,
)
from evaltool.testing import FIXED_STAMP

__all__ = [
    "CLIENT_SURVEY",
    "DEMO_LABEL",
    "FILE_TAG",
    "FIXED_STAMP",
    "FORMULA_ANSWER",
    "MARKER",
    "ORGANISATIONS",
    "PARTNER_ROUNDS",
    "PROJECTS",
    "SCRIPT_ANSWER",
    "SEED",
    "WAVE_DATES",
    "WAVE_NAMES",
    "WRITERS",
    "ClientFile",
    "DemoData",
    "DemoProject",
    "Form",
    "Panel",
    "PartnerFile",
    "PartnerRound",
    "_prepare",
    "build_demo",
    "build_form",
    "client_file_name",
    "generate_data",
    "qol_blocks",
    "register_table",
    "simulate_panel",
    "simulate_partner_rounds",
    "write_client_files",
    "write_partner_matrix",
    "write_partner_ties",
    "write_register",
    "write_roster",
]
