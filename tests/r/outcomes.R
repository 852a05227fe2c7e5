# Reference values for evaltool.indicators.outcomes and evaltool.indicators.stats, computed with R's own functions
# (t.test, wilcox.test, p.adjust, psych::alpha, lme4::lmer, lm, prop.test, mcnemar.test).
#
# Run from the repository root:   Rscript tests/r/outcomes.R
# Input:  tests/r/outcomes_{whoqol,eurohis,edge}_{scores,items}.csv (written by
#         make_outcomes_data.py; "edge" holds the hard cases: all changes zero, no variance at
#         baseline, no client seen twice, n = min_n and min_n - 1, a project without wave 2 …)
# Output: tests/r/outcomes_expected_<table>.csv, one row per programme/project × domain …,
#         with the column names of the Python tables; rows that the Python code must withhold
#         (fewer than min_n clients) carry only their counts and suppressed = TRUE.
# Where R refuses a statistic (t.test: "data are essentially constant"; lmer: "number of
# levels of each grouping factor must be < number of observations"; psych::alpha on items
# without variance) the expected value is NA, and so is a ratio with a zero denominator
# (dz, d_av): evaltool reports these as missing with a note, never as infinite.
# Written with R 4.2.2, psych 2.2.9, lme4 1.1-31.

suppressPackageStartupMessages({
  library(psych)
  library(lme4)
})

here <- "tests/r"
min_n <- 5

instruments <- list(
  whoqol = list(
    domains = list(
      physical = c("Q3", "Q4", "Q10", "Q15", "Q16", "Q17", "Q18"),
      psychological = c("Q5", "Q6", "Q7", "Q11", "Q19", "Q26"),
      social = c("Q20", "Q21", "Q22"),
      environment = c("Q8", "Q9", "Q12", "Q13", "Q14", "Q23", "Q24", "Q25")
    ),
    good = NULL
  ),
  eurohis = list(
    domains = list(index = paste0("E", 1:8)),
    good = list(column = "index_raw", threshold = 4)
  ),
  edge = list(
    domains = list(qol = c("G1", "G2", "G3"), flat = c("F1", "F2")),
    good = list(column = "qol_raw", threshold = 4)
  )
)
background <- c("gender", "age_group", "service_type")

read <- function(name) {
  read.csv(file.path(here, name), stringsAsFactors = FALSE, na.strings = c("", "NA"),
           encoding = "UTF-8", check.names = FALSE)
}

out <- list()
add <- function(table, df) {
  out[[table]] <<- rbind(out[[table]], df)
}
num <- function(x) if (length(x) == 0) NA_real_ else as.numeric(x)
ratio <- function(a, b) if (is.na(b) || b == 0) NA_real_ else a / b
# t.test, or NA figures where R stops ("data are essentially constant"). When every paired
# difference is exactly 0, t.test does not stop but returns t = NaN with df and a zero-width
# interval; evaltool treats that the same as constant data (no test), so NA here too.
t_test <- function(...) {
  none <- list(estimate = NA, conf.int = c(NA, NA), statistic = NA, parameter = NA,
               p.value = NA)
  tt <- tryCatch(t.test(...), error = function(e) none)
  if (is.nan(num(tt$statistic))) none else tt
}

for (inst in names(instruments)) {
  cfg <- instruments[[inst]]
  scores <- read(sprintf("outcomes_%s_scores.csv", inst))
  items <- read(sprintf("outcomes_%s_items.csv", inst))
  scores$discarded <- as.character(scores$discarded) %in% c("True", "TRUE")
  scores <- scores[!scores$discarded, ]
  scores$client <- paste(scores$project, scores$respondent, sep = "\r")
  stopifnot(!any(duplicated(scores[c("client", "wave")])))
  items <- merge(scores[c("project", "wave", "respondent", "client")], items,
                 by = c("project", "wave", "respondent"))
  projects <- sort(unique(scores$project))
  groups <- c(list(NULL), as.list(projects))  # NULL = whole programme
  glabel <- function(g) if (is.null(g)) NA_character_ else g
  in_group <- function(df, g) if (is.null(g)) rep(TRUE, nrow(df)) else df$project == g
  waves <- sort(unique(scores$wave))
  a <- min(waves)
  b <- max(waves)
  doms <- names(cfg$domains)

  # wide per client: score at a and b
  at_wave <- function(col, w) {
    s <- scores[scores$wave == w, c("client", col)]
    setNames(s[[col]], s$client)[clients]
  }
  clients <- sort(unique(scores$client))
  client_project <- setNames(scores$project, scores$client)[clients]

  # ---------------------------------------------------------------- linkage
  present <- sapply(waves, function(w) clients %in% scores$client[scores$wave == w])
  colnames(present) <- waves
  pattern <- apply(present, 1, function(r) {
    ws <- waves[r]
    if (length(ws) == 1) paste(ws, "only") else paste(ws, collapse = "-")
  })
  for (g in groups) {
    sel <- if (is.null(g)) rep(TRUE, length(clients)) else client_project == g
    n_cl <- sum(sel)
    rows <- data.frame(kind = "clients", wave = NA, from_wave = NA, to_wave = NA,
                       pattern = NA, n = n_cl, base = NA)
    for (w in waves) {
      rows <- rbind(rows, data.frame(kind = "wave", wave = w, from_wave = NA, to_wave = NA,
                                     pattern = NA, n = sum(sel & present[, as.character(w)]),
                                     base = n_cl))
    }
    for (i in seq_along(waves)) for (j in seq_along(waves)) if (i < j) {
      rows <- rbind(rows, data.frame(
        kind = "link", wave = NA, from_wave = waves[i], to_wave = waves[j], pattern = NA,
        n = sum(sel & present[, i] & present[, j]), base = sum(sel & present[, i])))
    }
    for (p in unique(pattern)) {
      rows <- rbind(rows, data.frame(kind = "pattern", wave = NA, from_wave = NA, to_wave = NA,
                                     pattern = p, n = sum(sel & pattern == p), base = n_cl))
    }
    ia <- as.character(a)
    ib <- as.character(b)
    rows <- rbind(rows, data.frame(
      kind = "follow_up", wave = NA, from_wave = a, to_wave = b, pattern = NA,
      n = sum(sel & present[, ia] & present[, ib]), base = sum(sel & present[, ia])))
    rows$share <- ifelse(!is.na(rows$base) & rows$base >= min_n, rows$n / rows$base, NA)
    rows$suppressed <- !is.na(rows$base) & rows$base < min_n
    add("linkage", cbind(instrument = inst, project = glabel(g), rows))
  }

  # ---------------------------------------------------------------- reliability
  # Cronbach's alpha from the covariance matrix, k/(k-1) (1 - tr C / sum C), with the Feldt
  # interval; the same as psych::alpha's raw_alpha and feldt (checked below) except that an
  # item without variance still counts in k (psych drops it from alpha, not from the score).
  # Undefined (NA) when the item sum does not vary.
  alpha_of <- function(df, cols) {
    x <- df[, cols]
    x <- x[complete.cases(x), , drop = FALSE]
    n <- nrow(x)
    k <- length(cols)
    if (n < min_n) {
      return(list(n = n, alpha = NA, lo = NA, hi = NA))
    }
    C <- cov(x)
    if (sum(C) <= 0) {
      return(list(n = n, alpha = NA, lo = NA, hi = NA))
    }
    a <- k / (k - 1) * (1 - sum(diag(C)) / sum(C))
    lo <- 1 - (1 - a) * qf(0.975, n - 1, (n - 1) * (k - 1))
    hi <- 1 - (1 - a) * qf(0.025, n - 1, (n - 1) * (k - 1))
    if (all(diag(C) > 0)) {
      al <- suppressWarnings(psych::alpha(x, check.keys = FALSE, warnings = FALSE))
      stopifnot(isTRUE(all.equal(al$total$raw_alpha, a, tolerance = 1e-12)),
                isTRUE(all.equal(num(al$feldt$lower.ci), lo, tolerance = 1e-12)),
                isTRUE(all.equal(num(al$feldt$upper.ci), hi, tolerance = 1e-12)))
    }
    list(n = n, alpha = a, lo = lo, hi = hi)
  }
  for (d in doms) {
    cols <- cfg$domains[[d]]
    for (g in groups) for (w in waves) {
      r <- alpha_of(items[in_group(items, g) & items$wave == w, ], cols)
      add("reliability", data.frame(
        instrument = inst, project = glabel(g), domain = d, wave = w, n = r$n,
        k = length(cols), alpha = r$alpha, ci_low = r$lo, ci_high = r$hi,
        suppressed = r$n < min_n))
    }
  }

  # ---------------------------------------------------------------- paired change and RCI
  change_stats <- function(x, y) {
    # x = score at a, y = score at b, complete pairs
    n <- length(x)
    if (n < min_n) return(data.frame(n = n, suppressed = TRUE))
    tt <- t_test(y, x, paired = TRUE)
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
  fill <- function(df, cols) {
    for (c in setdiff(cols, names(df))) df[[c]] <- NA
    df[cols]
  }
  paired_cols <- c("n", "mean_from", "mean_to", "sd_from", "sd_to", "mean_diff", "sd_diff",
                   "ci_low", "ci_high", "t", "df", "p", "dz", "d_av", "wilcoxon_v",
                   "wilcoxon_p", "suppressed")
  # Reliable change (Jacobson & Truax 1991): RCI = (b - a) / (sqrt(2) SD1 sqrt(1 - alpha)),
  # SD1 = sd of all scored wave-a responses of the programme, alpha = Cronbach's alpha of the
  # programme's wave-a items (complete cases). Defined only for SD1 > 0 and 0 < alpha < 1,
  # with SD1 and alpha each resting on at least min_n responses.
  paired <- NULL
  for (d in doms) {
    base_all <- scores[[d]][scores$wave == a]
    base_all <- base_all[!is.na(base_all)]
    sd1 <- sd(base_all)
    al <- alpha_of(items[items$wave == a, ], cfg$domains[[d]])
    usable <- length(base_all) >= min_n && al$n >= min_n && !is.na(al$alpha) &&
      sd1 > 0 && al$alpha > 0 && al$alpha < 1
    s_diff <- if (usable) sqrt(2) * sd1 * sqrt(1 - al$alpha) else NA_real_
    x_all <- at_wave(d, a)
    y_all <- at_wave(d, b)
    ok <- !is.na(x_all) & !is.na(y_all)
    for (g in groups) {
      sel <- ok & (if (is.null(g)) TRUE else client_project == g)
      x <- x_all[sel]
      y <- y_all[sel]
      row <- fill(change_stats(x, y), paired_cols)
      rci <- (y - x) / s_diff
      counts <- data.frame(rci_critical = NA, improved = NA, deteriorated = NA,
                           unchanged = NA, improved_share = NA, unchanged_share = NA,
                           deteriorated_share = NA)
      if (length(x) >= min_n && usable) {
        counts$rci_critical <- 1.96 * s_diff
        counts$improved <- sum(rci > 1.96)
        counts$deteriorated <- sum(rci < -1.96)
        counts$unchanged <- length(rci) - counts$improved - counts$deteriorated
        counts$improved_share <- counts$improved / length(rci)
        counts$unchanged_share <- counts$unchanged / length(rci)
        counts$deteriorated_share <- counts$deteriorated / length(rci)
      }
      paired <- rbind(paired, cbind(instrument = inst, project = glabel(g), domain = d,
                                    from_wave = a, to_wave = b, row, counts))
      shown <- length(x) >= min_n
      add("rci", cbind(
        data.frame(instrument = inst, project = glabel(g), domain = d, from_wave = a,
                   to_wave = b, n = length(x),
                   sd_baseline = if (shown && length(base_all) >= min_n) sd1 else NA,
                   n_sd_baseline = length(base_all),
                   alpha = if (shown && al$n >= min_n) al$alpha else NA, n_alpha = al$n,
                   s_diff = if (shown) s_diff else NA),
        counts, data.frame(suppressed = !shown)))
    }
  }
  paired$p_holm <- NA
  for (g in unique(paired$project)) {
    idx <- which((is.na(paired$project) & is.na(g)) | (!is.na(paired$project) &
                                                        paired$project %in% g))
    idx <- idx[!paired$suppressed[idx]]
    paired$p_holm[idx] <- p.adjust(paired$p[idx], method = "holm")
  }
  add("paired", paired)

  # ---------------------------------------------------------------- attrition
  for (d in doms) {
    x_all <- at_wave(d, a)
    y_all <- at_wave(d, b)
    base <- !is.na(x_all)
    for (g in groups) {
      sel <- base & (if (is.null(g)) TRUE else client_project == g)
      f <- x_all[sel & !is.na(y_all)]
      l <- x_all[sel & is.na(y_all)]
      row <- data.frame(instrument = inst, project = glabel(g), domain = d, from_wave = a,
                        to_wave = b, n = length(f) + length(l), n_followed = length(f),
                        n_lost = length(l))
      if (length(f) >= min_n && length(l) >= min_n) {
        tt <- t_test(f, l)
        row <- cbind(row, data.frame(
          mean_followed = mean(f), mean_lost = mean(l), sd_followed = sd(f), sd_lost = sd(l),
          mean_diff = mean(f) - mean(l), ci_low = tt$conf.int[1], ci_high = tt$conf.int[2],
          t = num(tt$statistic), df = num(tt$parameter), p = num(tt$p.value),
          suppressed = FALSE))
      } else {
        row <- cbind(row, data.frame(
          mean_followed = NA, mean_lost = NA, sd_followed = NA, sd_lost = NA, mean_diff = NA,
          ci_low = NA, ci_high = NA, t = NA, df = NA, p = NA, suppressed = TRUE))
      }
      add("attrition", row)
    }
  }

  # ---------------------------------------------------------------- subgroups
  bg_value <- function(col) {
    v_a <- at_wave(col, a)
    v_b <- at_wave(col, b)
    ifelse(is.na(v_a), v_b, v_a)
  }
  for (d in doms) {
    x_all <- at_wave(d, a)
    y_all <- at_wave(d, b)
    ok <- !is.na(x_all) & !is.na(y_all)
    thr <- num(quantile(x_all[ok], 1 / 3, type = 7))
    vars <- list(baseline = ifelse(x_all <= thr, "lowest third", "upper two thirds"))
    for (col in background) vars[[col]] <- bg_value(col)
    # levels: both baseline groups always (one may be empty); a background variable's values
    # among all responses (a level may have no paired client)
    all_levels <- list(baseline = c("lowest third", "upper two thirds"))
    for (col in background) all_levels[[col]] <- sort(unique(na.omit(scores[[col]])))
    for (v in names(vars)) {
      lv <- vars[[v]]
      levels_v <- all_levels[[v]]
      for (g in groups) for (level in levels_v) {
        sel <- ok & !is.na(lv) & lv == level & (if (is.null(g)) TRUE else client_project == g)
        row <- fill(change_stats(x_all[sel], y_all[sel]), paired_cols)
        add("subgroups", cbind(instrument = inst, project = glabel(g), domain = d,
                               from_wave = a, to_wave = b, variable = v, level = level,
                               threshold = if (v == "baseline") thr else NA, row))
      }
    }
  }

  # ---------------------------------------------------------------- ANCOVA benchmark
  for (d in doms) {
    x_all <- at_wave(d, a)
    y_all <- at_wave(d, b)
    ok <- !is.na(x_all) & !is.na(y_all)
    n_proj <- table(factor(client_project[ok], levels = projects))
    keep <- names(n_proj)[n_proj >= min_n]
    sel <- ok & client_project %in% keep
    dat <- data.frame(pre = x_all[sel], post = y_all[sel],
                      project = factor(client_project[sel], levels = keep))
    J <- length(keep)
    m <- if (J >= 2) lm(post ~ pre + project, data = dat) else lm(post ~ pre, data = dat)
    x0 <- mean(dat$pre)
    df_res <- m$df.residual
    # a constant baseline leaves the slope unidentified (lm: NA coefficient); no ANCOVA then
    fitted_ok <- !any(is.na(coef(m))) && df_res > 0
    if (J >= 2) {
      nd <- data.frame(pre = x0, project = factor(keep, levels = keep))
      Xp <- model.matrix(delete.response(terms(m)), nd, xlev = m$xlevels)
    } else {
      Xp <- cbind(1, x0)
    }
    if (fitted_ok) {
      adj <- drop(Xp %*% coef(m))
      cov_adj <- Xp %*% vcov(m) %*% t(Xp)
    } else {
      adj <- rep(NA_real_, J)
      cov_adj <- matrix(NA_real_, J, J)
    }
    E <- diag(J) - 1 / J
    eff <- if (J >= 2) drop(E %*% adj) else NA_real_
    eff_se <- if (J >= 2) sqrt(diag(E %*% cov_adj %*% t(E))) else NA_real_
    ref <- mean(adj)
    ref_se <- sqrt(sum(cov_adj)) / J
    if (fitted_ok && J >= 2) {
      # the same effects straight from sum-to-zero coding
      m_sum <- lm(post ~ pre + project, data = dat, contrasts = list(project = "contr.sum"))
      stopifnot(isTRUE(all.equal(unname(coef(m_sum)[paste0("project", 1:(J - 1))]),
                                 unname(eff[1:(J - 1)]), tolerance = 1e-10)))
      stopifnot(isTRUE(all.equal(unname(coef(m_sum)[1] + coef(m_sum)[2] * x0), ref,
                                 tolerance = 1e-10)))
    }
    if (!fitted_ok) df_res <- NA
    q <- qt(0.975, df_res)
    add("benchmark", data.frame(
      instrument = inst, project = NA, domain = d, from_wave = a, to_wave = b,
      n = nrow(dat), mean_from = mean(dat$pre), mean_to = mean(dat$post), baseline_ref = x0,
      adjusted_change = ref - x0, adjusted_se = ref_se, adjusted_ci_low = ref - q * ref_se - x0,
      adjusted_ci_high = ref + q * ref_se - x0, effect = NA, effect_se = NA,
      effect_ci_low = NA, effect_ci_high = NA, effect_t = NA, effect_p = NA, df = df_res,
      baseline_slope = num(coef(m)["pre"]), suppressed = FALSE))
    for (p in projects) {
      n_p <- sum(ok & client_project == p)
      if (!(p %in% keep)) {
        add("benchmark", data.frame(
          instrument = inst, project = p, domain = d, from_wave = a, to_wave = b, n = n_p,
          mean_from = NA, mean_to = NA, baseline_ref = NA, adjusted_change = NA,
          adjusted_se = NA, adjusted_ci_low = NA, adjusted_ci_high = NA, effect = NA,
          effect_se = NA, effect_ci_low = NA, effect_ci_high = NA, effect_t = NA,
          effect_p = NA, df = NA, baseline_slope = NA, suppressed = TRUE))
        next
      }
      j <- match(p, keep)
      se_j <- sqrt(cov_adj[j, j])
      add("benchmark", data.frame(
        instrument = inst, project = p, domain = d, from_wave = a, to_wave = b, n = n_p,
        mean_from = mean(dat$pre[dat$project == p]), mean_to = mean(dat$post[dat$project == p]),
        baseline_ref = x0, adjusted_change = adj[j] - x0, adjusted_se = se_j,
        adjusted_ci_low = adj[j] - q * se_j - x0, adjusted_ci_high = adj[j] + q * se_j - x0,
        effect = eff[j], effect_se = eff_se[j], effect_ci_low = eff[j] - q * eff_se[j],
        effect_ci_high = eff[j] + q * eff_se[j], effect_t = eff[j] / eff_se[j],
        effect_p = 2 * pt(abs(eff[j] / eff_se[j]), df_res, lower.tail = FALSE), df = df_res,
        baseline_slope = num(coef(m)["pre"]), suppressed = FALSE))
    }
  }

  # ---------------------------------------------------------------- mixed models (3+ waves)
  if (length(waves) >= 3) {
    for (d in doms) {
      dat <- scores[!is.na(scores[[d]]), c("project", "client", "wave", d)]
      names(dat)[4] <- "score"
      dat$wave <- factor(dat$wave, levels = waves)
      for (g in groups) {
        sub <- dat[in_group(dat, g), ]
        per_wave <- table(sub$wave)
        n_cl <- length(unique(sub$client))
        terms <- c("intercept", paste0("wave:", waves[-1]))
        if (min(per_wave) < min_n) {
          add("mixed", data.frame(instrument = inst, project = glabel(g), domain = d,
                                  term = terms, estimate = NA, se = NA, ci_low = NA,
                                  ci_high = NA, var_client = NA, var_residual = NA,
                                  converged = NA, singular = NA, n = n_cl, n_obs = nrow(sub),
                                  reml_criterion = NA, note = NA, suppressed = TRUE))
          next
        }
        m <- tryCatch(suppressMessages(lmer(score ~ wave + (1 | client), data = sub,
                                            REML = TRUE)),
                      error = function(e) conditionMessage(e))
        if (is.character(m)) {
          # lme4 refuses a model in which no client has two responses
          stopifnot(grepl("number of levels of each grouping factor", m))
          add("mixed", data.frame(instrument = inst, project = glabel(g), domain = d,
                                  term = terms, estimate = NA, se = NA, ci_low = NA,
                                  ci_high = NA, var_client = NA, var_residual = NA,
                                  converged = FALSE, singular = NA, n = n_cl,
                                  n_obs = nrow(sub), reml_criterion = NA,
                                  note = "not estimable: no client observed more than once",
                                  suppressed = FALSE))
          next
        }
        vc <- as.data.frame(VarCorr(m))
        ci <- confint(m, method = "Wald")[-(1:2), , drop = FALSE]
        msgs <- m@optinfo$conv$lme4$messages
        conv <- all(grepl("singular", msgs))
        sing <- isSingular(m)
        add("mixed", data.frame(
          instrument = inst, project = glabel(g), domain = d, term = terms,
          estimate = unname(fixef(m)), se = unname(sqrt(diag(as.matrix(vcov(m))))),
          ci_low = unname(ci[, 1]), ci_high = unname(ci[, 2]),
          var_client = vc$vcov[vc$grp == "client"], var_residual = vc$vcov[vc$grp == "Residual"],
          converged = conv, singular = sing, n = n_cl, n_obs = nrow(sub),
          reml_criterion = REMLcrit(m),
          note = if (sing) "singular fit: client variance estimated at zero" else NA,
          suppressed = FALSE))
      }
    }
  }

  # ---------------------------------------------------------------- good quality of life
  if (!is.null(cfg$good)) {
    col <- cfg$good$column
    thr <- cfg$good$threshold
    dom <- sub("_raw$", "", col)
    for (g in groups) {
      for (w in waves) {
        v <- scores[[col]][in_group(scores, g) & scores$wave == w]
        v <- v[!is.na(v)]
        n <- length(v)
        k <- sum(v >= thr - 1e-9)
        row <- data.frame(instrument = inst, project = glabel(g), domain = dom, kind = "wave",
                          wave = w, from_wave = NA, to_wave = NA, threshold = thr, n = n,
                          n_good = NA, share = NA, ci_low = NA, ci_high = NA,
                          n_good_from = NA, n_good_to = NA, n_became_good = NA,
                          n_became_not_good = NA, statistic = NA, p = NA,
                          suppressed = n < min_n)
        if (n >= min_n) {
          pt_ <- suppressWarnings(prop.test(k, n, correct = FALSE))
          row$n_good <- k
          row$share <- k / n
          row$ci_low <- pt_$conf.int[1]
          row$ci_high <- pt_$conf.int[2]
        }
        add("eurohis", row)
      }
      x <- at_wave(col, a)
      y <- at_wave(col, b)
      sel <- !is.na(x) & !is.na(y) & (if (is.null(g)) TRUE else client_project == g)
      ga <- x[sel] >= thr - 1e-9
      gb <- y[sel] >= thr - 1e-9
      n <- sum(sel)
      row <- data.frame(instrument = inst, project = glabel(g), domain = dom, kind = "change",
                        wave = NA, from_wave = a, to_wave = b, threshold = thr, n = n,
                        n_good = NA, share = NA, ci_low = NA, ci_high = NA,
                        n_good_from = NA, n_good_to = NA, n_became_good = NA,
                        n_became_not_good = NA, statistic = NA, p = NA,
                        suppressed = n < min_n)
      if (n >= min_n) {
        tab <- table(factor(ga, levels = c(FALSE, TRUE)), factor(gb, levels = c(FALSE, TRUE)))
        mc <- suppressWarnings(mcnemar.test(tab))
        row$n_good_from <- sum(ga)
        row$n_good_to <- sum(gb)
        row$n_became_good <- tab["FALSE", "TRUE"]
        row$n_became_not_good <- tab["TRUE", "FALSE"]
        row$statistic <- num(mc$statistic)
        row$p <- mc$p.value
      }
      add("eurohis", row)
    }
  }
}

# -------------------------------------------------------------------- evaltool.indicators.stats helpers
# Inputs repeated literally in tests/indicators/test_stats.py.
x <- c(12.5, 18.75, 25, 31.25, 6.25, 43.75, 50, 18.75, 25, 37.5, 12.5, 31.25)
y <- c(18.75, 25, 25, 43.75, 12.5, 37.5, 62.5, 31.25, 25, 50, 18.75, 25)
z <- c(40, 55.5, 61.25, 38, 47.75, 52, 70.25)
items <- matrix(c(
  1, 2, 2, 1,  2, 2, 3, 2,  3, 3, 3, 4,  4, 5, 4, 4,  5, 4, 5, 5,
  2, 3, 2, 2,  3, 2, 4, 3,  4, 4, 3, 3,  NA, 1, 2, 2,  1, 1, 2, 1,
  5, 5, 4, 5,  3, 4, 4, 3), ncol = 4, byrow = TRUE)
st <- list()
put <- function(name, value) st[[name]] <<- as.numeric(value)
tt <- t.test(x)
put("mean_ci.low", tt$conf.int[1]); put("mean_ci.high", tt$conf.int[2])
tt <- t.test(y, x, paired = TRUE)
put("paired.t", tt$statistic); put("paired.df", tt$parameter); put("paired.p", tt$p.value)
put("paired.low", tt$conf.int[1]); put("paired.high", tt$conf.int[2])
tt <- t.test(z, x)
put("welch.t", tt$statistic); put("welch.df", tt$parameter); put("welch.p", tt$p.value)
put("welch.low", tt$conf.int[1]); put("welch.high", tt$conf.int[2])
tt <- t.test(z, x, var.equal = TRUE)
put("student.t", tt$statistic); put("student.df", tt$parameter); put("student.p", tt$p.value)
put("student.low", tt$conf.int[1]); put("student.high", tt$conf.int[2])
wt <- suppressWarnings(wilcox.test(y, x, paired = TRUE, exact = FALSE, correct = TRUE))
put("wilcoxon.v", wt$statistic); put("wilcoxon.p", wt$p.value)
wt <- suppressWarnings(wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = TRUE))
put("wilcoxon_rev.v", wt$statistic); put("wilcoxon_rev.p", wt$p.value)
put("dz", mean(y - x) / sd(y - x)); put("d_av", mean(y - x) / ((sd(x) + sd(y)) / 2))
put("holm", p.adjust(c(0.01, 0.04, 0.03, NA, 0.005, 0.2), method = "holm"))
cc <- items[complete.cases(items), ]
al <- psych::alpha(cc, check.keys = FALSE, warnings = FALSE)
put("alpha.alpha", al$total$raw_alpha); put("alpha.n", nrow(cc))
put("alpha.low", al$feldt$lower.ci); put("alpha.high", al$feldt$upper.ci)
for (bc in list(c(7, 2), c(3, 3), c(0, 5), c(12, 30))) {
  tab <- matrix(c(10, bc[2], bc[1], 20), 2)  # rows: before good?, cols: after good?
  mc <- mcnemar.test(tab)
  put(sprintf("mcnemar_%d_%d.statistic", bc[1], bc[2]), mc$statistic)
  put(sprintf("mcnemar_%d_%d.p", bc[1], bc[2]), mc$p.value)
}
for (kn in list(c(0, 10), c(3, 10), c(10, 10), c(29, 91))) {
  ci <- suppressWarnings(prop.test(kn[1], kn[2], correct = FALSE))$conf.int
  put(sprintf("wilson_%d_%d", kn[1], kn[2]), ci)
  put(sprintf("exact_%d_%d", kn[1], kn[2]), binom.test(kn[1], kn[2])$conf.int)
}
# hard cases: equal changes computed from different baselines (the SD of the differences is
# rounding noise: t.test stops, "data are essentially constant"); all differences zero
# (wilcox.test: V = 0, p = NA); an item without variance (counted in k by the formula,
# dropped by psych::alpha)
base <- c(10, 11, 12, 13, 14, 15) + 2 / 3
noise_x <- (base - 4) * 6.25
noise_y <- (base + 2 / 3 - 4) * 6.25
put("noise.sd", sd(noise_y - noise_x))
put("noise.t", tryCatch(t.test(noise_y, noise_x, paired = TRUE)$statistic,
                        error = function(e) NA))
put("noise_welch.t", tryCatch(t.test(noise_y - noise_x, rep(4, 5))$statistic,
                              error = function(e) NA))
wt <- wilcox.test(c(0, 0, 0, 0, 0), mu = 0, exact = FALSE, correct = TRUE)
put("wilcoxon_zero.v", wt$statistic); put("wilcoxon_zero.p", wt$p.value)
ci <- cbind(c(1, 2, 3, 4, 5, 2), c(2, 2, 4, 4, 5, 1), c(3, 3, 3, 3, 3, 3))
C <- cov(ci)
put("alpha_const_item.formula", 3 / 2 * (1 - sum(diag(C)) / sum(C)))
put("alpha_const_item.psych",
    suppressWarnings(psych::alpha(ci, check.keys = FALSE, warnings = FALSE))$total$raw_alpha)
stats_df <- do.call(rbind, lapply(names(st), function(nm) {
  data.frame(name = if (length(st[[nm]]) > 1) paste0(nm, ".", seq_along(st[[nm]])) else nm,
             value = st[[nm]])
}))
write.csv(stats_df, file.path(here, "outcomes_expected_stats.csv"), row.names = FALSE, na = "")

for (table in names(out)) {
  write.csv(out[[table]], file.path(here, sprintf("outcomes_expected_%s.csv", table)),
            row.names = FALSE, na = "", fileEncoding = "UTF-8")
}
cat("wrote", length(out), "tables\n")
