# Independent check of evaltool's WHOQOL-BREF and EUROHIS-QOL 8 scoring.
#
# Writes, beside this script:
#   scoring_input.csv     the responses scored (instrument, case, q1..q26; empty = missing)
#   scoring_expected.csv  the scores, long format: instrument, rule, case, measure, value
#
# Run from the repository root:   Rscript tests/r/scoring.R
# The rules are written here from the published scoring instructions, in plain R, without
# looking at the Python implementation:
#
# WHOQOL-BREF (WHO scoring syntax, Harper & Power; WHOQOL-BREF manual):
#   items q3, q4, q26 are reversed: 6 - x
#   domain raw score = mean of the answered domain items x 4 (4-20)
#   0-100 score      = (raw - 4) x 100 / 16
#   rule "who-syntax": physical needs >= 6 of 7 answered, psychological >= 5 of 6,
#                      social >= 2 of 3, environment >= 6 of 8 (SPSS MEAN.6/.5/.2/.6);
#                      a response with fewer than 22 of 26 items answered is discarded
#   rule "manual":     a domain is not scored when more than 2 of its items are missing
#                      (social: more than 1); a response with more than 20 % of its 26
#                      items missing is discarded
#   q1 and q2 are reported as they are; a discarded response has no scores at all.
# EUROHIS-QOL 8 (Schmidt, Muehlan & Power 2006):
#   index = mean of the answered items (1-5), sum = index x 8 (8-40; the plain sum when
#   complete), 0-100 = (index - 1) x 100 / 4
#   rule "at-most-one-missing": computed when at most 1 of the 8 items is missing
#   rule "complete":            computed only when all 8 items are answered

set.seed(20240316, kind = "Mersenne-Twister", normal.kind = "Inversion",
         sample.kind = "Rejection")

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/r"

# ------------------------------------------------------------------ WHOQOL-BREF input
items26 <- paste0("q", 1:26)
domains <- list(
  physical = c("q3", "q4", "q10", "q15", "q16", "q17", "q18"),
  psychological = c("q5", "q6", "q7", "q11", "q19", "q26"),
  social = c("q20", "q21", "q22"),
  environment = c("q8", "q9", "q12", "q13", "q14", "q23", "q24", "q25")
)
reversed <- c("q3", "q4", "q26")

random_response <- function(k) sample(1:5, k, replace = TRUE)

cases <- list()
add <- function(name, values) cases[[name]] <<- values

# complete responses, including the extremes
for (i in 1:8) add(sprintf("complete_%02d", i), random_response(26))
add("all_ones", rep(1, 26))
add("all_fives", rep(5, 26))
add("reversed_only_low", replace(rep(3, 26), c(3, 4, 26), 1))

# exactly 1, 2 and 3 items missing in one domain (everything else answered)
for (d in names(domains)) {
  for (k in 1:3) {
    v <- random_response(26)
    names(v) <- items26
    v[domains[[d]][seq_len(k)]] <- NA
    add(sprintf("%s_missing_%d", d, k), unname(v))
  }
  # the same count, but the last items of the domain (not the reversed ones first)
  for (k in 1:3) {
    v <- random_response(26)
    names(v) <- items26
    its <- domains[[d]]
    v[its[(length(its) - k + 1):length(its)]] <- NA
    add(sprintf("%s_missing_last_%d", d, k), unname(v))
  }
}

# 4, 5 and 6 items missing per response, spread so that no domain rule alone decides
spread <- list(
  c("q1", "q2", "q3", "q5"),
  c("q1", "q2", "q3", "q5", "q8"),
  c("q1", "q2", "q3", "q5", "q8", "q20"),
  c("q4", "q6", "q9", "q21"),
  c("q4", "q6", "q9", "q21", "q12"),
  c("q4", "q6", "q9", "q21", "q12", "q10")
)
for (s in spread) {
  v <- random_response(26)
  names(v) <- items26
  v[s] <- NA
  add(sprintf("response_missing_%d_%s", length(s), paste(s, collapse = "_")), unname(v))
}
# many missing, singles only missing, nothing answered
v <- random_response(26); v[c(1:10)] <- NA; add("response_missing_10", v)
v <- random_response(26); v[c(1, 2)] <- NA; add("singles_missing", v)
add("all_missing", rep(NA, 26))
# random missingness
for (i in 1:12) {
  v <- random_response(26)
  v[sample(1:26, sample(0:7, 1))] <- NA
  add(sprintf("random_%02d", i), v)
}

whoqol <- as.data.frame(do.call(rbind, cases))
names(whoqol) <- items26
whoqol <- cbind(instrument = "whoqol-bref", case = names(cases), whoqol,
                stringsAsFactors = FALSE)
rownames(whoqol) <- NULL

# ------------------------------------------------------------------ EUROHIS-QOL 8 input
items8 <- paste0("q", 1:8)
ecases <- list()
for (i in 1:6) ecases[[sprintf("complete_%02d", i)]] <- random_response(8)
ecases[["all_ones"]] <- rep(1, 8)
ecases[["all_fives"]] <- rep(5, 8)
for (j in c(1, 4, 8)) {
  v <- random_response(8); v[j] <- NA
  ecases[[sprintf("missing_1_q%d", j)]] <- v
}
v <- random_response(8); v[c(2, 7)] <- NA; ecases[["missing_2"]] <- v
v <- random_response(8); v[c(1, 3, 5)] <- NA; ecases[["missing_3"]] <- v
ecases[["all_missing"]] <- rep(NA, 8)
for (i in 1:6) {
  v <- random_response(8)
  v[sample(1:8, sample(0:2, 1))] <- NA
  ecases[[sprintf("random_%02d", i)]] <- v
}
eurohis <- as.data.frame(do.call(rbind, ecases))
names(eurohis) <- items8
for (q in setdiff(items26, items8)) eurohis[[q]] <- NA
eurohis <- cbind(instrument = "eurohis-qol-8", case = names(ecases), eurohis,
                 stringsAsFactors = FALSE)
rownames(eurohis) <- NULL

input <- rbind(whoqol, eurohis)

# ------------------------------------------------------------------ scoring
long <- function(instrument, rule, case, measure, value) {
  data.frame(instrument = instrument, rule = rule, case = case, measure = measure,
             value = value, stringsAsFactors = FALSE)
}

score_whoqol <- function(d, rule) {
  x <- as.matrix(d[, items26])
  x[, reversed] <- 6 - x[, reversed]
  n_missing <- rowSums(is.na(x))
  if (rule == "who-syntax") {
    keep <- (26 - n_missing) >= 22
    min_answered <- c(physical = 6, psychological = 5, social = 2, environment = 6)
  } else {
    keep <- !(n_missing / 26 > 0.20)
    max_missing <- c(physical = 2, psychological = 2, social = 1, environment = 2)
    min_answered <- sapply(names(domains), function(n) length(domains[[n]]) - max_missing[[n]])
  }
  out <- list(
    long("whoqol-bref", rule, d$case, "n_missing", n_missing),
    long("whoqol-bref", rule, d$case, "discarded", as.integer(!keep)),
    long("whoqol-bref", rule, d$case, "q1", ifelse(keep, x[, "q1"], NA)),
    long("whoqol-bref", rule, d$case, "q2", ifelse(keep, x[, "q2"], NA))
  )
  for (dn in names(domains)) {
    sub <- x[, domains[[dn]], drop = FALSE]
    answered <- rowSums(!is.na(sub))
    ok <- keep & answered >= min_answered[[dn]] & answered > 0
    raw <- ifelse(ok, rowMeans(sub, na.rm = TRUE) * 4, NA)
    out[[length(out) + 1]] <- long("whoqol-bref", rule, d$case, paste0(dn, "_raw"), raw)
    out[[length(out) + 1]] <- long("whoqol-bref", rule, d$case, dn, (raw - 4) * 100 / 16)
  }
  do.call(rbind, out)
}

score_eurohis <- function(d, rule) {
  x <- as.matrix(d[, items8])
  n_missing <- rowSums(is.na(x))
  allowed <- if (rule == "at-most-one-missing") 1 else 0
  ok <- n_missing <= allowed & n_missing < 8
  idx <- ifelse(ok, rowMeans(x, na.rm = TRUE), NA)
  total <- ifelse(ok, ifelse(n_missing == 0, rowSums(x), idx * 8), NA)
  rbind(
    long("eurohis-qol-8", rule, d$case, "n_missing", n_missing),
    long("eurohis-qol-8", rule, d$case, "discarded", 0L),
    long("eurohis-qol-8", rule, d$case, "index_raw", idx),
    long("eurohis-qol-8", rule, d$case, "index", (idx - 1) * 100 / 4),
    long("eurohis-qol-8", rule, d$case, "index_sum", total)
  )
}

expected <- rbind(
  score_whoqol(whoqol, "who-syntax"),
  score_whoqol(whoqol, "manual"),
  score_eurohis(eurohis, "at-most-one-missing"),
  score_eurohis(eurohis, "complete")
)

write.csv(input, file.path(out_dir, "scoring_input.csv"), row.names = FALSE, na = "")
expected$value <- ifelse(is.na(expected$value), NA, sprintf("%.15g", expected$value))
write.csv(expected, file.path(out_dir, "scoring_expected.csv"), row.names = FALSE, na = "")
cat(sprintf("wrote %d responses and %d expected values to %s\n", nrow(input),
            nrow(expected), out_dir))
