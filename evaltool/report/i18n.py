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
    "min_n_note": ("– = tieto jätetty pois, koska se perustuisi alle {min_n} vastaajaan tai "
                   "sen avulla voisi päätellä tällaisen luvun.",
                   "– = uppgiften visas inte eftersom den bygger på färre än {min_n} svarande "
                   "eller skulle avslöja ett sådant tal.",
                   "– = not shown because it would rest on fewer than {min_n} respondents or "
                   "would reveal such a number."),
    "likert_merged": ("Kuviossa vastausvaihtoehtojen ääripäät on yhdistetty, koska osa "
                      "luokista on liian pieniä näytettäviksi erikseen; taulukossa on "
                      "kaikki luokat.",
                      "I figuren har svarsalternativens ytterändar slagits ihop eftersom en "
                      "del klasser är för små att visas separat; tabellen visar alla klasser.",
                      "The figure merges the ends of the answer scale because some categories "
                      "are too small to show on their own; the table has every category."),
    "likert_withheld": ("Ei eritelty (pieniä luokkia)", "Ej specificerat (små klasser)",
                        "Not broken down (small categories)"),
    "likert_withheld_note": ("Viivoitettu osa: vastaukset luokissa, jotka perustuisivat alle "
                             "{min_n} vastaajaan tai paljastaisivat tällaisen luvun.",
                             "Den streckade delen: svar i klasser som skulle bygga på färre "
                             "än {min_n} svarande eller avslöja ett sådant tal.",
                             "Hatched part: answers in categories that would rest on fewer "
                             "than {min_n} respondents or reveal such a number."),
    "rci_chart_left_out": ("Kuviosta on jätetty pois osa-alueet, joiden luokista jokin "
                           "perustuisi alle {min_n} asiakkaaseen tai paljastaisi tällaisen "
                           "luvun.",
                           "Domäner där någon klass skulle bygga på färre än {min_n} klienter "
                           "eller avslöja ett sådant tal har lämnats bort ur figuren.",
                           "Domains where a class would rest on fewer than {min_n} clients, or "
                           "reveal such a number, are left out of the figure."),
    "min_n_chart": ("Osuuksia, jotka perustuisivat alle {min_n} vastaajaan tai paljastaisivat "
                    "tällaisen luvun, ei ole piirretty.",
                    "Andelar som bygger på färre än {min_n} svarande eller skulle avslöja ett "
                    "sådant tal har inte ritats.",
                    "Shares resting on fewer than {min_n} respondents, or revealing such a "
                    "number, are not drawn."),
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
    "sec_orgs": ("Organisaatioiden asema verkostossa", "Organisationernas position i nätverket",
                 "Organisations in the network"),
    "sec_esr_projects": ("ESR-indikaattorit hankkeittain", "ESF-indikatorer per projekt",
                         "ESF indicators by project"),
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
    "lower": ("alaraja", "nedre", "low"),
    "upper": ("yläraja", "övre", "high"),
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
    "col_respondents": ("Vastaajia", "Svarande", "Respondents"),
    "col_n_orgs": ("Vastanneita organisaatioita", "Svarande organisationer",
                   "Responding organisations"),
    "col_value_round1": ("Arvo, kierros 1", "Värde, omgång 1", "Value, round 1"),
    "col_value_round2": ("Arvo, kierros 2", "Värde, omgång 2", "Value, round 2"),
    "col_realised_planned": ("toteutunut / suunniteltu", "förverkligat / planerat",
                             "realised / planned"),
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
    "col_pattern": ("Asiakkaat", "Klienter", "Clients"),
    "link_wave": ("Vastasi {a}. mittaukseen", "Svarade i mätning {a}", "Answered wave {a}"),
    "link_pair": ("Vastasi sekä {a}. että {b}. mittaukseen", "Svarade i både mätning {a} och {b}",
                  "Answered both wave {a} and wave {b}"),
    "pattern_only": ("Vastasi vain {waves} mittaukseen", "Svarade bara i mätning {waves}",
                     "Answered wave {waves} only"),
    "pattern_only_many": ("Vastasi vain {waves} mittaukseen",
                          "Svarade bara i mätningarna {waves}", "Answered waves {waves} only"),
    "pattern_all": ("Vastasi kaikkiin mittauksiin ({waves})", "Svarade i alla mätningar ({waves})",
                    "Answered all waves ({waves})"),
    "and_list": ("{head} ja {last}", "{head} och {last}", "{head} and {last}"),
    "ord": (".", "", ""),
    "version_n": ("versio {n}", "version {n}", "version {n}"),
    "network_wide": ("koko verkosto", "hela nätverket", "whole network"),
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
        "Vastaukset on lueteltu sellaisinaan aakkosjärjestyksessä; sähköpostiosoitteet, "
        "puhelinnumerot, henkilötunnukset ja verkko-osoitteet on korvattu merkinnällä […]. "
        "Samanlaiset vastaukset on yhdistetty; niiden lukumäärä on suluissa, kun se on "
        "vähintään {min_n}.",
        "Svaren återges ordagrant i alfabetisk ordning; e-postadresser, telefonnummer, "
        "personbeteckningar och webbadresser har ersatts med […]. Likadana svar har slagits "
        "ihop; antalet står inom parentes när det är minst {min_n}.",
        "Answers are listed verbatim in alphabetical order; e-mail addresses, phone numbers, "
        "personal identity codes and web addresses are replaced by […]. Identical answers "
        "are merged; their count is in brackets when it is at least {min_n}."),
    "open_field_withheld": (
        "Vastauksia ei näytetä, koska kysymykseen vastasi alle {min_n} asiakasta.",
        "Svaren visas inte eftersom färre än {min_n} klienter besvarade frågan.",
        "Not shown because fewer than {min_n} clients answered the question."),
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
        "tasoa). Pisteen koko kertoo yhteyksien määrän; tämän hankkeen organisaatio on "
        "korostettu.",
        "Varje punkt är en organisation; en linje är ett samarbete (minst nätverksnivå). "
        "Punktens storlek visar antalet band; projektets organisation är markerad.",
        "Each dot is an organisation; a line is a collaboration (at least networking). Dot size "
        "shows the number of ties; the project's organisation is highlighted."),
    "network_legend_all": (
        "Kukin piste on organisaatio; viiva on yhteistyösuhde (vähintään verkostoitumisen "
        "tasoa). Pisteen koko kertoo yhteyksien määrän.",
        "Varje punkt är en organisation; en linje är ett samarbete (minst nätverksnivå). "
        "Punktens storlek visar antalet band.",
        "Each dot is an organisation; a line is a collaboration (at least networking). Dot size "
        "shows the number of ties."),
    # sentences
    "s_clients": (
        "{title}: vastaajia oli {n} ({waves}).",
        "{title}: besvarades av {n} av projektets klienter ({waves}).",
        "{title}: answered by {n} of the project's clients ({waves})."),
    "s_clients_programme": (
        "{title}: vastaajia oli {n} ohjelman {p} hankkeessa ({waves}).",
        "{title}: användes i {p} av programmets projekt, antal svarande {n} ({waves}).",
        "{title}: used in {p} of the programme's projects, {n} respondents ({waves})."),
    "s_clients_total": (
        "Ohjelman {q} hankkeen asiakaskyselyissä vastaajia oli yhteensä {n}.",
        "Klientenkäterna i {q} av programmets projekt hade sammanlagt {n} svarande.",
        "The client questionnaires of {q} of the programme's projects had {n} respondents "
        "in all."),
    "s_follow": (
        "Sekä {a}. että {b}. mittaukseen vastanneita oli {n} eli {pct} {a}. mittaukseen "
        "vastanneista.",
        "{n} klienter, {pct} av dem som svarade i mätning {a}, svarade både i mätning {a} "
        "och {b}.",
        "{n} clients ({pct} of those answering wave {a}) answered both wave {a} and wave {b}."),
    "s_change_one": (
        "{domain} muuttui {a}. mittauksesta {b}. mittaukseen keskimäärin {diff} pistettä "
        "(95 %:n luottamusväli {low}…{high}; dz = {dz}).",
        "{domain} förändrades från mätning {a} till {b} med i genomsnitt {diff} poäng "
        "(95 % KI {low}…{high}; dz = {dz}).",
        "{domain} changed from wave {a} to wave {b} by {diff} points on average (95% CI {low} "
        "to {high}; dz = {dz})."),
    "s_largest": (
        "Suurin muutos {a}. mittauksesta {b}. mittaukseen (efektikoolla dz mitattuna) oli "
        "osa-alueella {domain}: {diff} pistettä (95 %:n luottamusväli {low}…{high}; "
        "dz = {dz}).",
        "Den största förändringen från mätning {a} till {b} (mätt med effektstorleken dz) "
        "gällde {domain}: {diff} poäng (95 % KI {low}…{high}; dz = {dz}).",
        "The largest change from wave {a} to wave {b} (by effect size dz) was in {domain}: "
        "{diff} points (95% CI {low} to {high}; dz = {dz})."),
    "s_improved": (
        "Luotettavasti parani {improved} asiakkaista.",
        "{improved} av klienterna förbättrades tillförlitligt.",
        "{improved} of the clients improved reliably."),
    "s_org_degree": (
        "{org}: yhteyksiä kumppaniverkostossa {d2} kierroksella {r2} ja {d1} kierroksella "
        "{r1}.",
        "{org}: {d2} band i partnernätverket i omgången {r2} och {d1} i omgången {r1}.",
        "{org}: {d2} ties in the partner network in round {r2} and {d1} in round {r1}."),
    "s_org_degree_one": (
        "{org}: yhteyksiä kumppaniverkostossa {d2} kierroksella {r2}.",
        "{org}: {d2} band i partnernätverket i omgången {r2}.",
        "{org}: {d2} ties in the partner network in round {r2}."),
    "s_coop": (
        "Kumppanikyselyn yhteistyöindeksien muutos koko verkostossa kierrosten {r1} ja {r2} "
        "välillä (pisteinä asteikolla 0–100, suluissa 95 %:n luottamusväli): {changes}.",
        "Förändringen i partnerenkätens samarbetsindex i hela nätverket mellan omgångarna {r1} "
        "och {r2} (poäng på skalan 0–100, 95 % KI inom parentes): {changes}.",
        "Change in the partner survey's cooperation indices across the whole network between "
        "rounds {r1} and {r2} (points on the 0–100 scale, 95% CI in brackets): {changes}."),
    "s_esr": (
        "ESR-seurannan mukaan osallistujia on {real}, kun suunniteltu määrä oli {plan} "
        "({pct} suunnitellusta).",
        "Enligt ESF-uppföljningen är antalet deltagare {real} mot planerade {plan} "
        "({pct} av det planerade).",
        "According to ESF monitoring the project has {real} participants against {plan} "
        "planned ({pct})."),
    "s_esr_programme": (
        "ESR-seurannan mukaan hankkeiden osallistujia on yhteensä {real}, kun suunniteltu "
        "määrä oli {plan} ({pct} suunnitellusta).",
        "Enligt ESF-uppföljningen har projekten sammanlagt {real} deltagare mot planerade "
        "{plan} ({pct} av det planerade).",
        "According to ESF monitoring the projects have {real} participants in all against "
        "{plan} planned ({pct})."),
    "s_instrument": (
        "{title} ({version}). Osa-alueet pisteytetään asteikolle 0–100. Puuttuvien "
        "tietojen sääntö: {rule}.",
        "{title} ({version}). Domänerna poängsätts på skalan 0–100. Regel för bortfall: "
        "{rule}.",
        "{title} ({version}). Domains are scored 0–100. Missing-data rule: {rule}."),
    "s_flow": (
        "Tallennettuja vastauksia oli {stored}, pisteytettyjä {scored} ja puuttuvien "
        "vastausten vuoksi hylättyjä {discarded}.",
        "Antalet lagrade svar var {stored}, poängsatta {scored} och på grund av bortfall "
        "förkastade {discarded}.",
        "{stored} responses were stored, {scored} scored and {discarded} discarded for missing "
        "items."),
    "s_flow_all": (
        "Tallennettuja vastauksia oli {stored}, ja kaikki pisteytettiin.",
        "Antalet lagrade svar var {stored}, och alla poängsattes.",
        "{stored} responses were stored and all were scored."),
    "s_rejected": (
        "Tuonnissa virheellisinä hylättyjä rivejä oli {rejected}.",
        "Vid importen avvisades {rejected} felaktiga rader.",
        "{rejected} rows were rejected at import as invalid."),
    "s_linked": (
        "Sekä {a}. että {b}. mittaukseen vastanneita asiakkaita oli {linked}.",
        "{linked} klienter svarade i både mätning {a} och {b}.",
        "{linked} clients answered both wave {a} and wave {b}."),
    "s_linkage": (
        "Osuus on laskettu perusjoukosta: mittaukseen vastanneet kaikista asiakkaista, kahteen "
        "mittaukseen vastanneet aiempaan mittaukseen vastanneista.",
        "Andelen räknas på basen: de som svarade i en mätning av alla klienter, de som svarade "
        "i två mätningar av dem som svarade i den tidigare.",
        "Shares are of the base: those answering a wave of all clients, those answering two "
        "waves of those answering the earlier one."),
    "s_multi": (
        "Asiakas on voinut valita useita tavoitteita; osuudet on laskettu kysymykseen "
        "vastanneista.",
        "Klienten har kunnat välja flera mål; andelarna räknas på dem som besvarade frågan.",
        "Clients could choose several goals; shares are of those who answered the question."),
    "s_good_qol": (
        "Hyvä elämänlaatu: kysymysten keskiarvo on vähintään {threshold} asteikolla "
        "{lo}–{hi}.",
        "God livskvalitet: frågornas medelvärde är minst {threshold} på skalan {lo}–{hi}.",
        "Good quality of life: the mean of the items is at least {threshold} on the "
        "{lo}–{hi} scale."),
    "s_mixed": (
        "Lähtötaso on mallin mukainen keskiarvo ensimmäisessä mittauksessa; muut rivit ovat "
        "muutoksia siitä.",
        "Utgångsnivån är modellens medelvärde vid första mätningen; övriga rader är "
        "förändringar från den.",
        "The baseline is the model mean at the first wave; the other rows are changes from "
        "it."),
    "forest_reference": (
        "Pystysuora katkoviiva: koko ohjelman vakioitu muutos.",
        "Den lodräta streckade linjen: hela programmets justerade förändring.",
        "Dotted vertical line: the whole programme's adjusted change."),
    "s_raters": (
        "Saatu luottamus ja arvostus ovat muiden organisaatioiden antamien arvioiden "
        "keskiarvoja; alle {min_n} organisaation arviot on jätetty pois.",
        "Mottaget förtroende och värde är medelvärden av andra organisationers bedömningar; "
        "bedömningar från färre än {min_n} organisationer visas inte.",
        "Trust and value received are means of other organisations' ratings; ratings from "
        "fewer than {min_n} organisations are not shown."),
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
        "vakioituna). Tieto jätetään pois, jos se perustuisi alle {min_n} vastaajaan; "
        "samoin jätetään pois alle {min_n} asiakkaan luokkien lukumäärät ja osuudet sekä "
        "luvut, joista ne voisi päätellä.",
        "Förändring hos samma klient testas med parat t-test och Wilcoxons teckenrangtest; "
        "p-värdena för en jämförelses domäner justeras med Holms metod. Effektstorleken är "
        "Cohens dz (medelförändring / standardavvikelse). Tillförlitlig förändring "
        "(Jacobson & Truax) beräknas från programmets standardavvikelse vid utgångsläget och "
        "Cronbachs alfa (|RCI| > 1,96). Med tre mätningar används en linjär blandad modell "
        "(REML, slumpmässigt klientintercept). Projektet jämförs med programmet med "
        "kovariansanalys (slutmätning justerad för utgångsnivå). Uppgifter som bygger på "
        "färre än {min_n} svarande visas inte, inte heller antal och andelar i klasser med "
        "färre än {min_n} klienter eller tal som skulle avslöja dem.",
        "Change within clients is tested with the paired t-test and the Wilcoxon signed-rank "
        "test; p-values across the domains of one comparison are Holm-adjusted. The effect "
        "size is Cohen's dz (mean change / SD of change). Reliable change (Jacobson & Truax) "
        "uses the programme's baseline SD and Cronbach's alpha (|RCI| > 1.96). With three "
        "waves a linear mixed model is fitted (REML, random client intercept). The project "
        "is compared with the programme by analysis of covariance (follow-up adjusted for "
        "baseline). Figures resting on fewer than {min_n} respondents are not shown, nor "
        "are counts and shares of categories with fewer than {min_n} clients or numbers "
        "that would reveal them."),
    "s_rci": (
        "Luotettava muutos: muutos on suurempi kuin mittausvirhe selittäisi "
        "(|RCI| > 1,96).",
        "Tillförlitlig förändring: förändringen är större än mätfelet kan förklara "
        "(|RCI| > 1,96).",
        "Reliable change: the change is larger than measurement error would explain "
        "(|RCI| > 1.96)."),
    "s_benchmark": (
        "Vakioitu muutos on muutos, joka hankkeessa olisi ollut, jos sen asiakkaiden "
        "lähtötaso olisi ollut koko ohjelman keskitasoa (kovarianssianalyysi, kaikki "
        "hankkeet). Ero ohjelmaan: hankkeen vakioitu muutos miinus koko ohjelman muutos.",
        "Justerad förändring är den förändring projektet skulle ha haft om dess klienters "
        "utgångsnivå hade varit programmets genomsnitt (kovariansanalys, alla projekt). "
        "Skillnad mot programmet: projektets justerade förändring minus programmets "
        "förändring.",
        "Adjusted change is the change the project would have had if its clients had started "
        "at the programme's average baseline (analysis of covariance, all projects). "
        "Difference from programme: the project's adjusted change minus the programme's "
        "change."),
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
    "s_no_clients": (
        "Hankkeesta ei ole tuotu asiakaskyselyjen vastauksia.",
        "Inga svar på klientenkäter har importerats för projektet.",
        "No client questionnaire answers have been imported for the project."),
    "s_small_project": (
        "Hankkeessa on alle {min_n} vastaajaa, joten sen tuloksia ei näytetä; raportissa on "
        "vastaajien määrät ja koko ohjelman vertailutiedot.",
        "Projektet har färre än {min_n} svarande, så dess resultat visas inte; rapporten "
        "visar antalet svarande och programmets jämförelseuppgifter.",
        "The project has fewer than {min_n} respondents, so its results are not shown; the "
        "report gives the numbers of respondents and the programme's figures for comparison."),
    "col_instruments": ("Mittarit", "Instrument", "Instruments"),
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
    from evaltool.errors import UserError

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


def fmt_range_pct(low, high, lang: str, digits: int = 1) -> str:
    """A confidence interval of a share: ``3,5…20,7 %``."""
    lo, hi = _finite(low), _finite(high)
    if lo is None or hi is None:
        return ""
    a, b = fmt_num(lo * 100, lang, digits), fmt_num(hi * 100, lang, digits)
    unit = "%" if lang == "en" else _NBSP + "%"
    return f"{a}…{b}{unit}" if lang != "en" else f"{a} to {b}{unit}"


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
