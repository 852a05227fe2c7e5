# Reference values for evaltool.cooperation (tests/test_cooperation.py).
#
# Reads cooperation_ties.csv, cooperation_orgs.csv, cooperation_statements.csv and
# cooperation_items.csv beside this script and writes cooperation_expected.json.
# Network figures use igraph; index statistics use t.test. Run from any directory:
#   Rscript tests/r/cooperation.R
# Written with R 4.2 and igraph 1.3; needs packages igraph and jsonlite.

suppressPackageStartupMessages({
  library(igraph)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
read <- function(name) {
  read.csv(file.path(here, name), stringsAsFactors = FALSE, encoding = "UTF-8",
           na.strings = c("", "NA"))
}
ties <- read("cooperation_ties.csv")
orgs <- read("cooperation_orgs.csv")
statements <- read("cooperation_statements.csv")
items <- read("cooperation_items.csv")
orgs$responded <- as.logical(orgs$responded)
items$reversed <- as.logical(items$reversed)
ties <- ties[ties$respondent_org != ties$partner_org, ]

round_graph <- function(r, min_level, keep = NULL) {
  nodes <- orgs$org[orgs$round == r]
  t <- ties[ties$round == r, ]
  if (!is.null(keep)) {
    nodes <- intersect(nodes, keep)
    t <- t[t$respondent_org %in% keep & t$partner_org %in% keep, ]
  }
  e <- t[!is.na(t$collaboration_level) & t$collaboration_level >= min_level, ]
  g <- graph_from_data_frame(e[, c("respondent_org", "partner_org")], directed = TRUE,
                             vertices = data.frame(name = nodes))
  list(g = g, t = t, e = e, nodes = nodes)
}

network_row <- function(r, min_level, keep = NULL) {
  x <- round_graph(r, min_level, keep)
  g <- x$g
  resp <- orgs$responded[orgs$round == r & orgs$org %in% x$nodes]
  list(
    round = r,
    min_level = min_level,
    n_orgs = vcount(g),
    n_respondents = sum(resp),
    n_nonrespondents = sum(!resp),
    n_ties = ecount(g),
    density = edge_density(g, loops = FALSE),
    reciprocity = reciprocity(g, ignore.loops = TRUE, mode = "default"),
    degree_centralization = centr_degree(as.undirected(g, mode = "collapse"), mode = "all",
                                         loops = FALSE, normalized = TRUE)$centralization,
    n_isolates = sum(degree(g, mode = "all") == 0),
    mean_level = mean(x$e$collaboration_level),
    mean_frequency = mean(x$e$contact_frequency, na.rm = TRUE),
    mean_trust = mean(x$t$trust, na.rm = TRUE),
    mean_value = mean(x$t$value, na.rm = TRUE)
  )
}

org_rows <- function(r, min_level) {
  x <- round_graph(r, min_level)
  g <- x$g
  nm <- V(g)$name
  received <- function(col) {
    sapply(nm, function(o) {
      v <- x$t[[col]][x$t$partner_org == o]
      if (all(is.na(v))) NA else mean(v, na.rm = TRUE)
    })
  }
  data.frame(
    round = r,
    org = nm,
    in_degree = as.numeric(degree(g, mode = "in")),
    out_degree = as.numeric(degree(g, mode = "out")),
    degree = as.numeric(degree(g, mode = "all")),
    betweenness = as.numeric(betweenness(g, directed = TRUE)),
    mean_trust_received = as.numeric(received("trust")),
    mean_value_received = as.numeric(received("value")),
    stringsAsFactors = FALSE
  )
}

rounds <- sort(unique(orgs$round))
network <- list()
for (lvl in c(1, 3)) for (r in rounds) network[[length(network) + 1]] <- network_row(r, lvl)
organisations <- do.call(rbind, lapply(rounds, org_rows, min_level = 1))

# Index scores: per organisation and block, mean of answered items (reversed: min + max - x),
# rescaled 0-100, computed only with at least min_answered answered items.
s <- merge(statements, items, by = "item")
s$v <- ifelse(s$reversed, s$min + s$max - s$value, s$value)
keys <- unique(s[, c("round", "respondent_org", "sector", "index")])
scores <- do.call(rbind, lapply(seq_len(nrow(keys)), function(i) {
  k <- keys[i, ]
  rows <- s[s$round == k$round & s$respondent_org == k$respondent_org & s$index == k$index, ]
  answered <- sum(!is.na(rows$v))
  score <- if (answered >= rows$min_answered[1]) {
    (mean(rows$v, na.rm = TRUE) - rows$min[1]) / (rows$max[1] - rows$min[1]) * 100
  } else NA
  data.frame(k, n_answered = answered, score = score, stringsAsFactors = FALSE)
}))

describe <- function(x) {
  x <- x[!is.na(x)]
  out <- list(n = length(x), mean = mean(x), sd = NA, ci_low = NA, ci_high = NA)
  if (length(x) >= 2) {
    out$sd <- sd(x)
    # t.test refuses constant data; the interval then has zero width.
    ci <- if (out$sd > 0) t.test(x)$conf.int else c(out$mean, out$mean)
    out$ci_low <- ci[1]
    out$ci_high <- ci[2]
  }
  out
}

indices <- list()
for (r in rounds) for (b in unique(items$index)) {
  x <- scores$score[scores$round == r & scores$index == b]
  indices[[length(indices) + 1]] <- c(list(round = r, index = b), describe(x))
}
indices_by_sector <- list()
for (r in rounds) for (sec in sort(unique(scores$sector))) for (b in unique(items$index)) {
  x <- scores$score[scores$round == r & scores$index == b & scores$sector == sec]
  if (length(x) == 0) next
  indices_by_sector[[length(indices_by_sector) + 1]] <-
    c(list(round = r, sector = sec, index = b), describe(x))
}

compare <- function(x1, x2, paired) {
  x1 <- x1[!is.na(x1)]
  x2 <- x2[!is.na(x2)]
  if (paired) {
    common <- sort(intersect(names(x1), names(x2)))
    x1 <- x1[common]
    x2 <- x2[common]
  }
  # t.test refuses constant differences; the test is then not reported (NA).
  tt <- tryCatch(t.test(x2, x1, paired = paired), error = function(e) {
    list(conf.int = c(NA, NA), statistic = NA, parameter = NA, p.value = NA)
  })
  list(n1 = length(x1), n2 = length(x2), mean1 = mean(x1), mean2 = mean(x2),
       diff = mean(x2) - mean(x1), ci_low = tt$conf.int[1], ci_high = tt$conf.int[2],
       t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value)
}
named <- function(values, orgs) setNames(values, orgs)

compare_indices <- list()
for (b in unique(items$index)) for (paired in c(TRUE, FALSE)) {
  a <- scores[scores$round == 1 & scores$index == b, ]
  z <- scores[scores$round == 2 & scores$index == b, ]
  compare_indices[[length(compare_indices) + 1]] <- c(
    list(index = b, test = if (paired) "paired" else "welch"),
    compare(named(a$score, a$respondent_org), named(z$score, z$respondent_org), paired))
}
compare_items <- list()
for (it in items$item) for (paired in c(TRUE, FALSE)) {
  a <- statements[statements$round == 1 & statements$item == it, ]
  z <- statements[statements$round == 2 & statements$item == it, ]
  compare_items[[length(compare_items) + 1]] <- c(
    list(item = it, test = if (paired) "paired" else "welch"),
    compare(named(a$value, a$respondent_org), named(z$value, z$respondent_org), paired))
}

# Tie turnover between rounds 1 and 2, over all ties and among organisations that answered in
# both rounds; the network among the latter.
both <- intersect(orgs$org[orgs$round == 1 & orgs$responded],
                  orgs$org[orgs$round == 2 & orgs$responded])
tie_keys <- function(r, keep = NULL) {
  e <- round_graph(r, 1, keep)$e
  paste(e$respondent_org, e$partner_org, sep = "\r")
}
turnover <- function(keep) {
  t1 <- tie_keys(1, keep)
  t2 <- tie_keys(2, keep)
  list(n_ties1 = length(t1), n_ties2 = length(t2), kept = length(intersect(t1, t2)),
       new = length(setdiff(t2, t1)), lost = length(setdiff(t1, t2)),
       jaccard = length(intersect(t1, t2)) / length(union(t1, t2)))
}
tie_turnover <- list(all = turnover(NULL), respondents_both = turnover(both))
network_both <- list(network_row(1, 1, both), network_row(2, 1, both))

# Asymmetric dyads: both sides rated the level and the ratings differ by 2 or more.
asym <- list()
for (r in rounds) {
  t <- ties[ties$round == r & !is.na(ties$collaboration_level), ]
  m <- merge(t, t, by.x = c("respondent_org", "partner_org"),
             by.y = c("partner_org", "respondent_org"))
  m <- m[m$respondent_org < m$partner_org &
           abs(m$collaboration_level.x - m$collaboration_level.y) >= 2, ]
  for (i in seq_len(nrow(m))) {
    asym[[length(asym) + 1]] <- list(round = r, org_a = m$respondent_org[i],
                                     org_b = m$partner_org[i],
                                     level_a_to_b = m$collaboration_level.x[i],
                                     level_b_to_a = m$collaboration_level.y[i])
  }
}

expected <- list(
  r_version = R.version.string,
  igraph_version = as.character(packageVersion("igraph")),
  network = network,
  organisations = organisations,
  indices = indices,
  indices_by_sector = indices_by_sector,
  compare_indices = compare_indices,
  compare_items = compare_items,
  respondents_both = sort(both),
  tie_turnover = tie_turnover,
  network_respondents_both = network_both,
  asymmetric_dyads = asym
)
write_json(expected, file.path(here, "cooperation_expected.json"), auto_unbox = TRUE,
           digits = NA, pretty = TRUE, na = "null")
