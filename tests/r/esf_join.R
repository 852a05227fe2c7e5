# Reference values for evaltool.indicators.esf.join.status_change: paired change in quality
# of life by labour-market status at entry and on leaving, computed with R's own t.test and
# wilcox.test, as for the other subgroups (tests/r/outcomes.R).
#
# Run from the repository root:   Rscript tests/r/esf_join.R
# Input:  tests/r/esf_join_scores.csv (project, wave, respondent, discarded, a 0-100 score per
#         domain; wave 1 = entry, 2 = end) and tests/r/esf_join_status.csv (project,
#         participant, status_entry, status_leaving; three clients per project have no
#         record, one level rests on a single client).
# Output: tests/r/esf_join_expected.csv, one row per programme/project x domain x variable x
#         level with the column names of the Python table; rows with fewer than min_n
#         clients carry only n and suppressed = TRUE.
# Written with R 4.2.2.

here <- "tests/r"
min_n <- 5
domains <- c("psychological", "physical")
variables <- c("status_entry", "status_leaving")

read <- function(name) {
  read.csv(file.path(here, name), stringsAsFactors = FALSE, na.strings = c("", "NA"),
           encoding = "UTF-8")
}
num <- function(x) if (length(x) == 0) NA_real_ else as.numeric(x)
ratio <- function(a, b) if (is.na(b) || b == 0) NA_real_ else a / b

scores <- read("esf_join_scores.csv")
status <- read("esf_join_status.csv")
names(status)[names(status) == "participant"] <- "respondent"
scores <- merge(scores, status, by = c("project", "respondent"), all.x = TRUE)
scores$client <- paste(scores$project, scores$respondent, sep = "\r")
clients <- sort(unique(scores$client))
at_wave <- function(col, w) {
  s <- scores[scores$wave == w, c("client", col)]
  setNames(s[[col]], s$client)[clients]
}
client_project <- setNames(scores$project, scores$client)[clients]
groups <- c(list(NULL), as.list(sort(unique(scores$project))))

change_stats <- function(x, y) {
  n <- length(x)
  if (n < min_n) return(data.frame(n = n, suppressed = TRUE))
  tt <- t.test(y, x, paired = TRUE)
  d <- round(y - x, 9)
  wt <- suppressWarnings(wilcox.test(d, mu = 0, exact = FALSE, correct = TRUE))
  data.frame(
    n = n, mean_from = mean(x), mean_to = mean(y), sd_from = sd(x), sd_to = sd(y),
    mean_diff = mean(y - x), sd_diff = sd(y - x), ci_low = tt$conf.int[1],
    ci_high = tt$conf.int[2], t = num(tt$statistic), df = num(tt$parameter),
    p = num(tt$p.value), dz = ratio(mean(y - x), sd(y - x)),
    d_av = ratio(mean(y - x), (sd(x) + sd(y)) / 2),
    wilcoxon_v = num(wt$statistic), wilcoxon_p = num(wt$p.value), suppressed = FALSE)
}
cols <- c("n", "mean_from", "mean_to", "sd_from", "sd_to", "mean_diff", "sd_diff", "ci_low",
          "ci_high", "t", "df", "p", "dz", "d_av", "wilcoxon_v", "wilcoxon_p", "suppressed")
fill <- function(df) {
  for (c in setdiff(cols, names(df))) df[[c]] <- NA
  df[cols]
}

out <- NULL
for (d in domains) {
  x_all <- at_wave(d, 1)
  y_all <- at_wave(d, 2)
  ok <- !is.na(x_all) & !is.na(y_all)
  for (v in variables) {
    lv <- ifelse(is.na(at_wave(v, 1)), at_wave(v, 2), at_wave(v, 1))
    for (g in groups) for (level in sort(unique(na.omit(scores[[v]])))) {
      sel <- ok & !is.na(lv) & lv == level & (if (is.null(g)) TRUE else client_project == g)
      row <- fill(change_stats(x_all[sel], y_all[sel]))
      out <- rbind(out, cbind(project = if (is.null(g)) NA else g, domain = d,
                              variable = v, level = level, row))
    }
  }
}
write.csv(out, file.path(here, "esf_join_expected.csv"), row.names = FALSE, na = "")
