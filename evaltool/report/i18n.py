"""Report language: Finnish (default), Swedish and English strings, numbers and dates.

Finnish and Swedish reports write numbers with a decimal comma and a narrow no-break space
between thousands (``1 234,5``), percentages as ``45 %`` and dates as ``16.3.2024``; English
reports write ``1,234.5``, ``45%`` and ``16 March 2024``. Negative numbers use the minus sign
``−``. Missing values are an empty string; suppressed values are ``–`` (:data:`DASH`).
"""

from __future__ import annotations

import math
from datetime import date

LANGS = ("fi", "sv", "en")
#: What a suppressed (withheld) statistic shows.
DASH = "–"
_NNBSP = "\u202f"
_NBSP = "\u00a0"

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")

#: key → (fi, sv, en)
STRINGS: dict[str, tuple[str, str, str]] = {
    # document
    "report_project": ("Vaikuttavuusraportti", "Effektrapport", "Impact report"),
    "report_programme": ("Ohjelmaraportti", "Programrapport", "Programme report"),
    "report_index": ("Arviointiraportit", "Utvärderingsrapporter", "Evaluation reports"),
    "created": ("Laadittu", "Skapad", "Created"),
    "contents": ("Sisältö", "Innehåll", "Contents"),
    "word_table": ("Taulukko", "Tabell", "Table"),
    "word_figure": ("Kuvio", "Figur", "Figure"),
    "back_to_index": ("Kaikki raportit", "Alla rapporter", "All reports"),
    "made_with": ("Laadittu evaltool-ohjelmalla", "Skapad med evaltool", "Made with evaltool"),
    "min_n_note": ("– = tieto jätetty pois, koska se perustuisi alle {min_n} vastaajaan.",
                   "– = uppgiften visas inte eftersom den bygger på färre än {min_n} svarande.",
                   "– = not shown because it would rest on fewer than {min_n} respondents."),
    "excel_note": ("Raportin taulukot ovat myös Excel-työkirjassa {file}.",
                   "Rapportens tabeller finns också i Excel-arbetsboken {file}.",
                   "The report's tables are also in the Excel workbook {file}."),
    "programme_link": ("Ohjelmaraportti: kaikki hankkeet rinnakkain",
                       "Programrapport: alla projekt sida vid sida",
                       "Programme report: all projects side by side"),
    "project_reports": ("Hankeraportit", "Projektrapporter", "Project reports"),
    "no_client_data": ("ei asiakasaineistoa", "inga klientdata", "no client data"),
    # chapters
    "ch_summary": ("Yhteenveto", "Sammanfattning", "Summary"),
    "ch_methods": ("Aineisto ja menetelmät", "Material och metoder", "Data and methods"),
    "ch_respondents": ("Vastaajat", "Svarande", "Respondents"),
    "ch_qol": ("Elämänlaatu", "Livskvalitet", "Quality of life"),
    "ch_experience": ("Kokemukset palvelusta", "Erfarenheter av tjänsten",
                      "Service experience"),
    "ch_cooperation": ("Yhteistyö", "Samarbete", "Cooperation"),
    "ch_esr": ("ESR-indikaattorit", "ESF-indikatorer", "ESF indicators"),
    "ch_appendix": ("Liitteet", "Bilagor", "Appendix"),
    "ch_comparison": ("Hankkeet rinnakkain", "Projekten sida vid sida",
                      "Projects side by side"),
    # sections
    "sec_key_figures": ("Keskeiset luvut", "Nyckeltal", "Key figures"),
    "sec_instruments": ("Mittarit ja pisteytys", "Mätinstrument och poängsättning",
                        "Instruments and scoring"),
    "sec_waves": ("Mittauskerrat", "Mätningar", "Waves"),
    "sec_flow": ("Aineiston vaiheet", "Materialets steg", "Data flow"),
    "sec_files": ("Tuodut tiedostot", "Importerade filer", "Imported files"),
    "sec_missing": ("Puuttuvat tiedot", "Bortfall", "Missing data"),
    "sec_tests": ("Tilastolliset menetelmät", "Statistiska metoder", "Statistical methods"),
    "sec_background": ("Taustatiedot", "Bakgrundsuppgifter", "Background"),
    "sec_goals": ("Tavoitteet tukijaksolle", "Mål för stödperioden",
                  "Goals for the support period"),
    "sec_means": ("Keskiarvot mittauskerroittain", "Medelvärden per mätning",
                  "Means by wave"),
    "sec_paired": ("Muutos saman asiakkaan mittausten välillä", "Förändring hos samma klient",
                   "Change within the same clients"),
    "sec_rci": ("Luotettava muutos", "Tillförlitlig förändring", "Reliable change"),
    "sec_subgroups": ("Muutos lähtötason ja taustan mukaan",
                      "Förändring efter utgångsnivå och bakgrund",
                      "Change by baseline level and background"),
    "sec_benchmark": ("Hanke suhteessa ohjelmaan", "Projektet jämfört med programmet",
                      "The project against the programme"),
    "sec_benchmark_all": ("Hankkeiden vakioitu muutos", "Projektens justerade förändring",
                          "Adjusted change by project"),
    "sec_trajectories": ("Kehityskulut kolmen mittauksen aikana",
                         "Utveckling över tre mätningar", "Trajectories over three waves"),
    "sec_good_qol": ("Hyvä elämänlaatu", "God livskvalitet", "Good quality of life"),
    "sec_likert": ("Arviot palvelusta", "Bedömningar av tjänsten", "Ratings of the service"),
    "sec_open": ("Avoimet vastaukset", "Öppna svar", "Open answers"),
    "sec_position": ("Organisaation asema kumppaniverkostossa",
                     "Organisationens position i partnernätverket",
                     "The organisation in the partner network"),
    "sec_network": ("Kumppaniverkosto", "Partnernätverket", "The partner network"),
    "sec_indices": ("Yhteistyöindeksit", "Samarbetsindex", "Cooperation indices"),
    "sec_round_change": ("Muutokset kierrosten välillä", "Förändringar mellan omgångarna",
                         "Changes between rounds"),
    "sec_esr_table": ("Suunniteltu ja toteutunut", "Planerat och förverkligat",
                      "Planned and realised"),
    "sec_esr_totals": ("ESR-indikaattorit yhteensä", "ESF-indikatorer totalt",
                       "ESF indicators in total"),
    "sec_items": ("Kysymyskohtaiset tulokset", "Resultat per fråga", "Item-level results"),
    "sec_reliability": ("Reliabiliteetti", "Reliabilitet", "Reliability"),
    "sec_attrition": ("Kato", "Bortfall mellan mätningar", "Attrition"),
    "sec_linkage": ("Mittausten yhdistäminen", "Länkning av mätningar", "Linking waves"),
    "sec_project_info": ("Hanke", "Projektet", "The project"),
    # table titles / column headers
    "col_project": ("Hanke", "Projekt", "Project"),
    "col_code": ("Koodi", "Kod", "Code"),
    "col_name": ("Nimi", "Namn", "Name"),
    "col_domain": ("Osa-alue", "Domän", "Domain"),
    "col_instrument": ("Mittari", "Instrument", "Instrument"),
    "col_wave": ("Mittaus", "Mätning", "Wave"),
    "col_waves": ("Mittaukset", "Mätningar", "Waves"),
    "col_n": ("n", "n", "n"),
    "col_mean": ("Keskiarvo", "Medelvärde", "Mean"),
    "col_sd": ("Keskihajonta", "Standardavvikelse", "SD"),
    "col_ci_low": ("95 % LV alaraja", "95 % KI nedre", "95% CI low"),
    "col_ci_high": ("95 % LV yläraja", "95 % KI övre", "95% CI high"),
    "col_ci": ("95 % luottamusväli", "95 % konfidensintervall", "95% CI"),
    "col_mean_from": ("Keskiarvo alussa", "Medelvärde före", "Mean before"),
    "col_mean_to": ("Keskiarvo lopussa", "Medelvärde efter", "Mean after"),
    "col_change": ("Muutos", "Förändring", "Change"),
    "col_dz": ("Efektikoko dz", "Effektstorlek dz", "Effect size dz"),
    "col_d_av": ("Efektikoko d_av", "Effektstorlek d_av", "Effect size d_av"),
    "col_t": ("t", "t", "t"),
    "col_df": ("vapausasteet", "frihetsgrader", "df"),
    "col_p": ("p", "p", "p"),
    "col_p_holm": ("p (Holm)", "p (Holm)", "p (Holm)"),
    "col_wilcoxon_p": ("p (Wilcoxon)", "p (Wilcoxon)", "p (Wilcoxon)"),
    "col_improved": ("Parani luotettavasti", "Förbättrades tillförlitligt",
                     "Reliably improved"),
    "col_unchanged": ("Ei luotettavaa muutosta", "Ingen tillförlitlig förändring",
                      "No reliable change"),
    "col_deteriorated": ("Heikkeni luotettavasti", "Försämrades tillförlitligt",
                         "Reliably deteriorated"),
    "col_improved_share": ("Parani luotettavasti, %", "Förbättrades tillförlitligt, %",
                           "Reliably improved, %"),
    "col_rci_critical": ("Luotettavan muutoksen raja (pistettä)",
                         "Gräns för tillförlitlig förändring (poäng)",
                         "Reliable change threshold (points)"),
    "col_variable": ("Ryhmittely", "Gruppering", "Grouping"),
    "col_level": ("Ryhmä", "Grupp", "Group"),
    "col_adjusted_change": ("Vakioitu muutos", "Justerad förändring", "Adjusted change"),
    "col_effect": ("Ero ohjelmaan", "Skillnad mot programmet", "Difference from programme"),
    "col_term": ("Termi", "Term", "Term"),
    "col_estimate": ("Estimaatti", "Skattning", "Estimate"),
    "col_se": ("Keskivirhe", "Medelfel", "SE"),
    "col_var_client": ("Asiakkaiden välinen varianssi", "Varians mellan klienter",
                       "Between-client variance"),
    "col_var_residual": ("Jäännösvarianssi", "Residualvarians", "Residual variance"),
    "col_alpha": ("Cronbachin alfa", "Cronbachs alfa", "Cronbach's alpha"),
    "col_k": ("Kysymyksiä", "Frågor", "Items"),
    "col_n_followed": ("Jatkoi (n)", "Fortsatte (n)", "Followed up (n)"),
    "col_n_lost": ("Jäi pois (n)", "Föll bort (n)", "Lost (n)"),
    "col_mean_followed": ("Jatkaneiden lähtötaso", "Utgångsnivå, fortsatte",
                          "Baseline, followed up"),
    "col_mean_lost": ("Poisjääneiden lähtötaso", "Utgångsnivå, föll bort", "Baseline, lost"),
    "col_diff": ("Ero", "Skillnad", "Difference"),
    "col_share": ("Osuus", "Andel", "Share"),
    "col_count": ("Lukumäärä", "Antal", "Count"),
    "col_category": ("Vastaus", "Svar", "Answer"),
    "col_question": ("Kysymys", "Fråga", "Question"),
    "col_item": ("Kysymys", "Fråga", "Item"),
    "col_reversed": ("Käännetty", "Omvänd", "Reversed"),
    "col_first_date": ("Ensimmäinen vastaus", "Första svar", "First response"),
    "col_last_date": ("Viimeinen vastaus", "Sista svar", "Last response"),
    "col_stored": ("Tallennettu", "Lagrade", "Stored"),
    "col_incomplete": ("Keskeneräisiä", "Ofullständiga", "Incomplete"),
    "col_discarded": ("Hylätty puuttuvien vuoksi", "Förkastade pga bortfall",
                      "Discarded (missing items)"),
    "col_scored": ("Pisteytetty", "Poängsatta", "Scored"),
    "col_file": ("Tiedosto", "Fil", "File"),
    "col_layout": ("Muoto", "Format", "Layout"),
    "col_imported": ("Tuotu", "Importerad", "Imported"),
    "col_read": ("Luettu", "Lästa", "Read"),
    "col_rejected": ("Hylätty", "Avvisade", "Rejected"),
    "col_answered": ("Vastattu", "Besvarade", "Answered"),
    "col_skipped": ("Ohitettu", "Överhoppade", "Skipped"),
    "col_dont_know": ("En osaa sanoa", "Vet inte", "Don't know"),
    "col_missing_code": ("Puuttuvan tiedon koodi", "Bortfallskod", "Missing-value code"),
    "col_not_in_file": ("Ei aineistossa", "Saknas i filen", "Not in the file"),
    "col_answers": ("Vastauksia", "Svar", "Answers"),
    "col_measure": ("Tunnusluku", "Mått", "Measure"),
    "col_value": ("Arvo", "Värde", "Value"),
    "col_planned": ("Suunniteltu", "Planerat", "Planned"),
    "col_realised": ("Toteutunut", "Förverkligat", "Realised"),
    "col_realised_pct": ("Toteutunut, % suunnitellusta", "Förverkligat, % av planerat",
                         "Realised, % of planned"),
    "col_round": ("Kierros", "Omgång", "Round"),
    "col_round1": ("Kierros 1", "Omgång 1", "Round 1"),
    "col_round2": ("Kierros 2", "Omgång 2", "Round 2"),
    "col_index": ("Indeksi", "Index", "Index"),
    "col_test": ("Testi", "Test", "Test"),
    "col_org": ("Organisaatio", "Organisation", "Organisation"),
    "col_sector": ("Sektori", "Sektor", "Sector"),
    "col_in_degree": ("Saadut yhteydet", "Mottagna band", "Ties received"),
    "col_out_degree": ("Nimetyt yhteydet", "Angivna band", "Ties named"),
    "col_degree": ("Yhteyksiä yhteensä", "Band totalt", "Degree"),
    "col_betweenness": ("Välillisyys", "Mellanliggande", "Betweenness"),
    "col_trust_received": ("Saatu luottamus (1–4)", "Mottaget förtroende (1–4)",
                           "Trust received (1–4)"),
    "col_value_received": ("Saatu arvostus (1–4)", "Mottaget värde (1–4)",
                           "Value received (1–4)"),
    "col_clients": ("Asiakkaita", "Klienter", "Clients"),
    "col_followed": ("Seurannassa", "Uppföljda", "Followed up"),
    "col_follow_rate": ("Seurantaan vastanneet, %", "Svarade på uppföljningen, %",
                        "Follow-up rate, %"),
    "col_region": ("Alue", "Region", "Region"),
    "col_organisation": ("Toteuttaja", "Genomförare", "Implementing organisation"),
    "col_funder": ("Rahoittaja", "Finansiär", "Funder"),
    "col_priority_axis": ("Toimintalinja", "Insatsområde", "Priority axis"),
    "col_period": ("Toteutusaika", "Genomförandetid", "Period"),
    "col_kept": ("Säilyneet", "Kvarstående", "Kept"),
    "col_new": ("Uudet", "Nya", "New"),
    "col_lost": ("Päättyneet", "Upphörda", "Lost"),
    "col_jaccard": ("Jaccard-päällekkäisyys", "Jaccard-överlapp", "Jaccard overlap"),
    "col_basis": ("Perusta", "Bas", "Basis"),
    "col_threshold": ("Raja", "Gräns", "Threshold"),
    "col_pattern": ("Vastausmalli", "Svarsmönster", "Pattern"),
    "col_kind": ("Laji", "Typ", "Kind"),
    "col_base": ("Perusjoukko", "Bas", "Base"),
    "col_n_good": ("Hyvä elämänlaatu (n)", "God livskvalitet (n)", "Good quality of life (n)"),
    "col_statistic": ("Testisuure", "Teststorhet", "Statistic"),
    # network measures
    "m_n_orgs": ("Organisaatioita", "Organisationer", "Organisations"),
    "m_n_respondents": ("Vastanneita", "Svarande", "Respondents"),
    "m_n_nonrespondents": ("Vastaamatta jättäneitä", "Icke svarande", "Non-respondents"),
    "m_n_ties": ("Yhteyksiä", "Band", "Ties"),
    "m_density": ("Tiheys", "Täthet", "Density"),
    "m_reciprocity": ("Vastavuoroisuus", "Ömsesidighet", "Reciprocity"),
    "m_degree_centralization": ("Keskittyneisyys", "Centralisering", "Degree centralization"),
    "m_n_isolates": ("Erillisiä organisaatioita", "Isolerade organisationer", "Isolates"),
    "m_mean_level": ("Yhteistyön taso, ka.", "Samarbetsnivå, medel",
                     "Mean collaboration level"),
    "m_mean_frequency": ("Yhteydenpidon tiheys, ka.", "Kontaktfrekvens, medel",
                         "Mean contact frequency"),
    "m_mean_trust": ("Luottamus, ka.", "Förtroende, medel", "Mean trust"),
    "m_mean_value": ("Arvostus, ka.", "Värde, medel", "Mean value"),
    # ESR measures
    "esr_participants": ("Osallistujat", "Deltagare", "Participants"),
    "esr_women": ("joista naisia", "varav kvinnor", "of whom women"),
    "esr_jobs": ("Uudet työpaikat", "Nya arbetsplatser", "New jobs"),
    "esr_enterprises": ("Uudet yritykset", "Nya företag", "New enterprises"),
    "esr_degrees": ("Suoritetut tutkinnot", "Avlagda examina", "Completed degrees"),
    "esr_funding": ("Julkinen rahoitus (EUR)", "Offentlig finansiering (EUR)",
                    "Public funding (EUR)"),
    "esr_projects": ("Hankkeita rekisterissä", "Projekt i registret", "Projects in the register"),
    # categories
    "wave_n": ("{n}. mittaus", "Mätning {n}", "Wave {n}"),
    "programme": ("Koko ohjelma", "Hela programmet", "Whole programme"),
    "this_project": ("Tämä hanke", "Detta projekt", "This project"),
    "other_projects": ("Muut hankkeet", "Övriga projekt", "Other projects"),
    "baseline": ("Lähtötaso", "Utgångsnivå", "Baseline level"),
    "lvl_lowest third": ("alin kolmannes", "lägsta tredjedelen", "lowest third"),
    "lvl_upper two thirds": ("ylimmät kaksi kolmannesta", "övre två tredjedelarna",
                             "upper two thirds"),
    "lvl_below cut-off": ("raja-arvon alapuolella", "under gränsvärdet", "below cut-off"),
    "lvl_at or above cut-off": ("raja-arvossa tai sen yläpuolella", "vid eller över gränsvärdet",
                                "at or above cut-off"),
    "sec_block_scores": ("Osa-alueiden pistemäärät (0–100)", "Poäng per block (0–100)",
                         "Block scores (0–100)"),
    "missing_value": ("ei tietoa", "uppgift saknas", "not known"),
    "total": ("Yhteensä", "Totalt", "Total"),
    "basis_all": ("Koko verkosto", "Hela nätverket", "Whole network"),
    "basis_respondents_both": ("Molemmilla kierroksilla vastanneet",
                               "Svarade i båda omgångarna", "Answered in both rounds"),
    "test_paired": ("parittainen t-testi", "parat t-test", "paired t-test"),
    "test_welch": ("Welchin t-testi", "Welchs t-test", "Welch t-test"),
    "yes": ("kyllä", "ja", "yes"),
    "no": ("ei", "nej", "no"),
    "bg_gender": ("Sukupuoli", "Kön", "Gender"),
    "bg_age_group": ("Ikäryhmä", "Åldersgrupp", "Age group"),
    "bg_education": ("Koulutus", "Utbildning", "Education"),
    "bg_unemployment_duration": ("Työttömyyden kesto", "Arbetslöshetens längd",
                                 "Unemployment duration"),
    "bg_service_type": ("Palvelumuoto", "Tjänsteform", "Service type"),
    "bg_goals": ("Tavoite", "Mål", "Goal"),
    "bg_baseline": ("Lähtötaso", "Utgångsnivå", "Baseline level"),
    "open_good": ("Hyvät puolet", "Goda sidor", "Good sides"),
    "open_bad": ("Huonot puolet", "Dåliga sidor", "Bad sides"),
    "open_answer_withheld": (
        "Avoimia vastauksia ei näytetä, koska hankkeessa on alle {min_n} vastaajaa.",
        "Öppna svar visas inte eftersom projektet har färre än {min_n} svarande.",
        "Open answers are not shown because the project has fewer than {min_n} respondents."),
    "open_answers_note": (
        "Vastaukset on lueteltu sellaisinaan aakkosjärjestyksessä; samanlaiset vastaukset "
        "on yhdistetty ja niiden lukumäärä on suluissa.",
        "Svaren återges ordagrant i alfabetisk ordning; likadana svar har slagits ihop och "
        "deras antal står inom parentes.",
        "Answers are listed verbatim in alphabetical order; identical answers are merged with "
        "their count in brackets."),
    "n_open_answers": ("{n} vastausta", "{n} svar", "{n} answers"),
    # figures
    "fig_means": ("{instrument}: keskiarvot (0–100) ja 95 %:n luottamusvälit mittauskerroittain",
                  "{instrument}: medelvärden (0–100) och 95 % konfidensintervall per mätning",
                  "{instrument}: means (0–100) with 95% confidence intervals by wave"),
    "fig_rci": ("{instrument}: luotettavan muutoksen luokat (% asiakkaista)",
                "{instrument}: kategorier av tillförlitlig förändring (% av klienterna)",
                "{instrument}: reliable change categories (% of clients)"),
    "fig_forest": ("{instrument}: vakioitu muutos (0–100) ja 95 %:n luottamusväli",
                   "{instrument}: justerad förändring (0–100) med 95 % konfidensintervall",
                   "{instrument}: adjusted change (0–100) with 95% confidence interval"),
    "fig_forest_domain": ("{instrument}, {domain}: vakioitu muutos hankkeittain",
                          "{instrument}, {domain}: justerad förändring per projekt",
                          "{instrument}, {domain}: adjusted change by project"),
    "fig_trajectories": ("{instrument}: mallin mukaiset keskiarvot mittauskerroittain",
                         "{instrument}: modellskattade medelvärden per mätning",
                         "{instrument}: model-estimated means by wave"),
    "fig_likert": ("Arviot palvelusta (% vastaajista)", "Bedömningar av tjänsten (% av svarande)",
                   "Ratings of the service (% of respondents)"),
    "fig_network": ("Kumppaniverkosto, {round}", "Partnernätverket, {round}",
                    "Partner network, {round}"),
    "fig_indices": ("Yhteistyöindeksit kierroksittain (0–100, 95 %:n luottamusväli)",
                    "Samarbetsindex per omgång (0–100, 95 % konfidensintervall)",
                    "Cooperation indices by round (0–100, 95% confidence interval)"),
    "fig_esr": ("ESR-indikaattorit: suunniteltu ja toteutunut",
                "ESF-indikatorer: planerat och förverkligat",
                "ESF indicators: planned and realised"),
    "fig_background": ("{field}", "{field}", "{field}"),
    "axis_score": ("Pisteet (0–100)", "Poäng (0–100)", "Score (0–100)"),
    "axis_change": ("Muutos (pistettä)", "Förändring (poäng)", "Change (points)"),
    "axis_share": ("% vastaajista", "% av svarande", "% of respondents"),
    "axis_clients": ("% asiakkaista", "% av klienterna", "% of clients"),
    "axis_count": ("Lukumäärä", "Antal", "Count"),
    "network_legend": (
        "Kukin piste on organisaatio; viiva on yhteistyösuhde (vähintään verkostoitumisen "
        "tasoa). Tämän hankkeen organisaatio on korostettu.",
        "Varje punkt är en organisation; en linje är ett samarbete (minst nätverksnivå). "
        "Projektets organisation är markerad.",
        "Each dot is an organisation; a line is a collaboration (at least networking). The "
        "project's organisation is highlighted."),
    "network_legend_all": (
        "Kukin piste on organisaatio; viiva on yhteistyösuhde (vähintään verkostoitumisen "
        "tasoa). Pisteen koko kertoo yhteyksien määrän.",
        "Varje punkt är en organisation; en linje är ett samarbete (minst nätverksnivå). "
        "Punktens storlek visar antalet band.",
        "Each dot is an organisation; a line is a collaboration (at least networking). Dot size "
        "shows the number of ties."),
    # sentences
    "s_clients": (
        "Hankkeen asiakaskyselyihin vastasi {n} asiakasta ({waves}).",
        "Projektets klientenkäter besvarades av {n} klienter ({waves}).",
        "{n} clients of the project answered the client questionnaires ({waves})."),
    "s_clients_programme": (
        "Ohjelman {p} hankkeen asiakaskyselyihin vastasi {n} asiakasta ({waves}).",
        "Klientenkäterna i programmets {p} projekt besvarades av {n} klienter ({waves}).",
        "{n} clients of the programme's {p} projects answered the client questionnaires "
        "({waves})."),
    "s_follow": (
        "Sekä {a}. että {b}. mittaukseen vastasi {n} asiakasta eli {pct} ensimmäiseen "
        "vastanneista.",
        "{n} klienter, {pct} av dem som svarade i mätning {a}, svarade både i mätning {a} "
        "och {b}.",
        "{n} clients ({pct} of those answering wave {a}) answered both wave {a} and wave {b}."),
    "s_change_up": (
        "{instrument}: {domain} parani keskimäärin {diff} pistettä (95 %:n luottamusväli "
        "{low}…{high}; dz = {dz}).",
        "{instrument}: {domain} förbättrades i genomsnitt med {diff} poäng (95 % KI "
        "{low}…{high}; dz = {dz}).",
        "{instrument}: {domain} improved by {diff} points on average (95% CI {low} to {high}; "
        "dz = {dz})."),
    "s_change_down": (
        "{instrument}: {domain} heikkeni keskimäärin {diff} pistettä (95 %:n luottamusväli "
        "{low}…{high}; dz = {dz}).",
        "{instrument}: {domain} försämrades i genomsnitt med {diff} poäng (95 % KI "
        "{low}…{high}; dz = {dz}).",
        "{instrument}: {domain} declined by {diff} points on average (95% CI {low} to {high}; "
        "dz = {dz})."),
    "s_largest": (
        "Suurin muutos oli osa-alueella {domain}: {diff} pistettä (95 %:n luottamusväli "
        "{low}…{high}; dz = {dz}); {improved} asiakkaista parani luotettavasti.",
        "Den största förändringen gällde {domain}: {diff} poäng (95 % KI {low}…{high}; "
        "dz = {dz}); {improved} av klienterna förbättrades tillförlitligt.",
        "The largest change was in {domain}: {diff} points (95% CI {low} to {high}; "
        "dz = {dz}); {improved} of the clients improved reliably."),
    "s_coop": (
        "Kumppanikyselyn indeksi {index} muuttui kierrosten {r1} ja {r2} välillä {diff} "
        "pistettä ({m1} → {m2}).",
        "Partnerenkätens index {index} förändrades med {diff} poäng mellan omgångarna {r1} "
        "och {r2} ({m1} → {m2}).",
        "The partner survey index {index} changed by {diff} points between rounds {r1} and "
        "{r2} ({m1} → {m2})."),
    "s_esr": (
        "Osallistujia on toteutunut {real} suunnitellusta {plan} ({pct}).",
        "Av planerade {plan} deltagare har {real} förverkligats ({pct}).",
        "{real} of the planned {plan} participants have been realised ({pct})."),
    "s_instrument": (
        "{title} ({version}). Osa-alueet pisteytetään asteikolle 0–100. Puuttuvien "
        "tietojen sääntö: {rule}.",
        "{title} ({version}). Domänerna poängsätts på skalan 0–100. Regel för bortfall: "
        "{rule}.",
        "{title} ({version}). Domains are scored 0–100. Missing-data rule: {rule}."),
    "s_flow": (
        "Aineistoon tallennettiin {stored} vastausta; {discarded} hylättiin puuttuvien "
        "vastausten vuoksi ja {scored} pisteytettiin. Tuonnissa hylättiin {rejected} riviä. "
        "Sekä {a}. että {b}. mittaukseen vastanneita asiakkaita oli {linked}.",
        "{stored} svar lagrades; {discarded} förkastades på grund av bortfall och {scored} "
        "poängsattes. Vid importen avvisades {rejected} rader. {linked} klienter svarade i "
        "både mätning {a} och {b}.",
        "{stored} responses were stored; {discarded} were discarded for missing items and "
        "{scored} were scored. {rejected} rows were rejected at import. {linked} clients "
        "answered both wave {a} and wave {b}."),
    "s_missing": (
        "Yksittäiset puuttuvat vastaukset ja vastaukset ”en osaa sanoa” käsitellään "
        "puuttuvina: osa-alueen pistemäärä lasketaan vastattujen kysymysten keskiarvosta, "
        "kun mittarin sääntö täyttyy. Muutosta arvioidaan niillä asiakkailla, joilla on "
        "pistemäärä molemmista mittauksista (täydelliset parit); katoa tarkastellaan "
        "vertaamalla jatkaneiden ja poisjääneiden lähtötasoa (liite).",
        "Enstaka saknade svar och svaret ”vet inte” behandlas som bortfall: domänpoängen "
        "beräknas som medelvärdet av besvarade frågor när instrumentets regel uppfylls. "
        "Förändring bedöms hos klienter med poäng i båda mätningarna (fullständiga par); "
        "bortfallet granskas genom att jämföra utgångsnivån hos dem som fortsatte och dem som "
        "föll bort (bilaga).",
        "Single missing answers and \"don't know\" answers are treated as missing: a domain "
        "score is the mean of the answered items when the instrument's rule is met. Change "
        "is estimated on clients with a score at both waves (complete pairs); attrition is "
        "examined by comparing the baseline of those followed up and those lost (appendix)."),
    "s_tests": (
        "Muutosta saman asiakkaan mittausten välillä testataan parittaisella t-testillä ja "
        "Wilcoxonin merkittyjen sijalukujen testillä; saman vertailun osa-alueiden p-arvot "
        "korjataan Holmin menetelmällä. Efektikoko on Cohenin dz (muutoksen keskiarvo / "
        "keskihajonta). Luotettava muutos (Jacobson & Truax) lasketaan koko ohjelman "
        "lähtötason keskihajonnasta ja Cronbachin alfasta (|RCI| > 1,96). Kolmen mittauksen "
        "aineistossa käytetään lineaarista sekamallia (REML, satunnainen asiakasvakio). "
        "Hanketta verrataan ohjelmaan kovarianssianalyysillä (loppumittaus lähtötasolla "
        "vakioituna). Tieto jätetään pois, jos se perustuisi alle {min_n} vastaajaan.",
        "Förändring hos samma klient testas med parat t-test och Wilcoxons teckenrangtest; "
        "p-värdena för en jämförelses domäner justeras med Holms metod. Effektstorleken är "
        "Cohens dz (medelförändring / standardavvikelse). Tillförlitlig förändring "
        "(Jacobson & Truax) beräknas från programmets standardavvikelse vid utgångsläget och "
        "Cronbachs alfa (|RCI| > 1,96). Med tre mätningar används en linjär blandad modell "
        "(REML, slumpmässigt klientintercept). Projektet jämförs med programmet med "
        "kovariansanalys (slutmätning justerad för utgångsnivå). Uppgifter som bygger på "
        "färre än {min_n} svarande visas inte.",
        "Change within clients is tested with the paired t-test and the Wilcoxon signed-rank "
        "test; p-values across the domains of one comparison are Holm-adjusted. The effect "
        "size is Cohen's dz (mean change / SD of change). Reliable change (Jacobson & Truax) "
        "uses the programme's baseline SD and Cronbach's alpha (|RCI| > 1.96). With three "
        "waves a linear mixed model is fitted (REML, random client intercept). The project "
        "is compared with the programme by analysis of covariance (follow-up adjusted for "
        "baseline). Figures resting on fewer than {min_n} respondents are not shown."),
    "s_rci": (
        "Luotettava muutos: muutos on suurempi kuin mittausvirhe selittäisi "
        "(|RCI| > 1,96).",
        "Tillförlitlig förändring: förändringen är större än mätfelet kan förklara "
        "(|RCI| > 1,96).",
        "Reliable change: the change is larger than measurement error would explain "
        "(|RCI| > 1.96)."),
    "s_benchmark": (
        "Vakioitu muutos on loppumittauksen keskiarvo lähtötason erot huomioiden "
        "(kovarianssianalyysi, kaikki hankkeet). Ero ohjelmaan: hankkeen vakioitu muutos "
        "miinus koko ohjelman muutos.",
        "Justerad förändring är slutmätningens medelvärde med hänsyn till skillnader i "
        "utgångsnivå (kovariansanalys, alla projekt). Skillnad mot programmet: projektets "
        "justerade förändring minus programmets förändring.",
        "Adjusted change is the follow-up mean allowing for differences in baseline "
        "(analysis of covariance, all projects). Difference from programme: the project's "
        "adjusted change minus the programme's change."),
    "s_subgroups": (
        "Lähtötaso ryhmitellään koko ohjelman alimman kolmanneksen rajan mukaan. Matalalta "
        "lähtötasolta nouseminen johtuu osin regressiosta keskiarvoon.",
        "Utgångsnivån grupperas efter gränsen för programmets lägsta tredjedel. En del av "
        "ökningen från en låg nivå beror på regression mot medelvärdet.",
        "Baseline level is grouped by the programme's lowest-third cut point. Part of a rise "
        "from a low start is regression to the mean."),
    "s_org_not_found": (
        "Hankkeen organisaatiota ({org}) ei löytynyt kumppanikyselyn organisaatioista; "
        "alla on koko verkoston tiedot.",
        "Projektets organisation ({org}) finns inte bland partnerenkätens organisationer; "
        "nedan visas hela nätverket.",
        "The project's organisation ({org}) is not among the partner survey's organisations; "
        "the whole network is shown below."),
    "s_org_found": (
        "Hanke on kumppaniverkostossa organisaationa {org}.",
        "Projektet finns i partnernätverket som organisationen {org}.",
        "The project appears in the partner network as {org}."),
    "s_reversed": (
        "Kysymysten keskiarvot ovat vastausasteikolla sellaisinaan (kääntämättä).",
        "Frågornas medelvärden anges på svarsskalan som de besvarats (inte omvända).",
        "Item means are on the answer scale as answered (not reversed)."),
    "s_synthetic_none": ("", "", ""),
    "s_unregistered": (
        "Hanke ei ole ESR-hankerekisterissä.", "Projektet finns inte i ESF-projektregistret.",
        "The project is not in the ESF project register."),
    "s_index_intro": (
        "Raportit on laadittu {date}. Taulukot ovat myös Excel-työkirjoina raporttien "
        "vieressä.",
        "Rapporterna skapades {date}. Tabellerna finns också som Excel-arbetsböcker bredvid "
        "rapporterna.",
        "The reports were created on {date}. Their tables are also in Excel workbooks beside "
        "the reports."),
}


def t(key: str, lang: str, **kwargs) -> str:
    """The string ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    text = STRINGS[key][LANGS.index(lang)]
    return text.format(**kwargs) if kwargs else text


def check_lang(lang: str | None) -> str:
    from ..errors import UserError

    if lang not in LANGS:
        raise UserError(f"report language must be fi, sv or en, not {lang!r}")
    return lang


def _finite(x) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) or math.isinf(v) else v


def fmt_num(x, lang: str, digits: int = 1, sign: bool = False) -> str:
    """``x`` with ``digits`` decimals in the language's style; '' for missing values."""
    v = _finite(x)
    if v is None:
        return ""
    if round(v, digits) == 0:
        v = 0.0
    text = f"{abs(v):,.{digits}f}"
    if lang == "en":
        body = text
    else:
        body = text.replace(",", _NNBSP).replace(".", ",")
    if v < 0:
        return "\u2212" + body
    return ("+" + body) if sign and v > 0 else body


def fmt_int(x, lang: str) -> str:
    return fmt_num(x, lang, 0)


def fmt_pct(share, lang: str, digits: int = 0) -> str:
    """A share 0–1 as a percentage: ``45 %`` (fi, sv) or ``45%`` (en)."""
    v = _finite(share)
    if v is None:
        return ""
    body = fmt_num(v * 100, lang, digits)
    return body + ("%" if lang == "en" else _NBSP + "%")


def fmt_p(p, lang: str) -> str:
    """A p-value: three decimals, ``< 0,001`` below that."""
    v = _finite(p)
    if v is None:
        return ""
    if v < 0.001:
        return "<" + _NBSP + fmt_num(0.001, lang, 3)
    return fmt_num(v, lang, 3)


def fmt_date(value, lang: str) -> str:
    """An ISO date (text or ``date``) as ``16.3.2024`` (fi, sv) or ``16 March 2024`` (en)."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    if lang == "en":
        return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"
    return f"{d.day}.{d.month}.{d.year}"


def fmt_range(low, high, lang: str, digits: int = 1) -> str:
    """A confidence interval ``12,3…15,6``."""
    a, b = fmt_num(low, lang, digits), fmt_num(high, lang, digits)
    if not a or not b:
        return ""
    return f"{a}…{b}" if lang != "en" else f"{a} to {b}"


def label(labels: dict[str, str] | None, lang: str, fallback: str) -> str:
    """A label in ``lang`` from a {lang: text} mapping, else English, Finnish, ``fallback``."""
    labels = labels or {}
    return labels.get(lang) or labels.get("en") or labels.get("fi") or fallback


def wave_label(wave, lang: str) -> str:
    return t("wave_n", lang, n=int(wave))
