# Reference values for evaltool.indicators.cooperation (tests/indicators/test_cooperation.py).
#
# Reads cooperation_ties.csv, cooperation_orgs.csv, cooperation_statements.csv and
# cooperation_items.csv beside this script (the main test data: two rounds), and
# cooperation_edge_ties.csv / cooperation_edge_orgs.csv (the hard cases: a self-tie,
# duplicated ratings of one pair, an organisation that appears only as a partner, one that
# answered but is missing from the roster, a round without any tie, a round of two
# organisations), and writes cooperation_expected.json.
# Network figures use igraph; index statistics use t.test. Run from any directory:
#   Rscript tests/r/cooperation.R
# Written with R 4.2 and igraph 1.3; needs packages igraph and jsonlite.
#
# Conventions reproduced here (as documented in evaltool.indicators.cooperation): ratings of one's own
# organisation are dropped; several ratings of one pair in a round are averaged measure by
# measure (ignoring missing answers); every organisation in the roster or in a tie is a node;
# an organisation that rated someone has responded.

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
min_n <- 5
measures <- c("contact_frequency", "collaboration_level", "trust", "value")

prepare <- function(ties, orgs) {
  orgs$responded <- as.logical(orgs$responded)
  ties <- ties[ties$respondent_org != ties$partner_org, ]
  mean_or_na <- function(v) if (all(is.na(v))) NA_real_ else mean(v, na.rm = TRUE)
  key <- paste(ties$round, ties$respondent_org, ties$partner_org, sep = "\r")
  first <- !duplicated(key)
  dy <- ties[first, c("round", "respondent_org", "partner_org")]
  for (m in measures) dy[[m]] <- as.numeric(tapply(ties[[m]], key, mean_or_na)[key[first]])
  # nodes: the roster plus every organisation in a tie; senders have responded
  extra <- rbind(
    data.frame(round = dy$round, org = dy$respondent_org, sector = NA, responded = TRUE),
    data.frame(round = dy$round, org = dy$partner_org, sector = NA, responded = FALSE))
  all_nodes <- rbind(orgs[c("round", "org", "sector", "responded")], extra)
  nkey <- paste(all_nodes$round, all_nodes$org, sep = "\r")
  nodes <- all_nodes[!duplicated(nkey), c("round", "org", "sector")]
  nodes$responded <- as.logical(tapply(all_nodes$responded, nkey, any)[
    paste(nodes$round, nodes$org, sep = "\r")])
  nodes <- nodes[order(nodes$round, nodes$org), ]
  list(ties = dy, orgs = nodes)
}

round_graph <- function(dat, r, min_level, keep = NULL) {
  nodes <- dat$orgs$org[dat$orgs$round == r]
  t <- dat$ties[dat$ties$round == r, ]
  if (!is.null(keep)) {
    nodes <- intersect(nodes, keep)
    t <- t[t$respondent_org %in% keep & t$partner_org %in% keep, ]
  }
  e <- t[!is.na(t$collaboration_level) & t$collaboration_level >= min_level, ]
  g <- graph_from_data_frame(e[, c("respondent_org", "partner_org")], directed = TRUE,
                             vertices = data.frame(name = nodes))
  list(g = g, t = t, e = e, nodes = nodes)
}

network_row <- function(dat, r, min_level, keep = NULL) {
  x <- round_graph(dat, r, min_level, keep)
  g <- x$g
  resp <- dat$orgs$responded[dat$orgs$round == r & dat$orgs$org %in% x$nodes]
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

org_rows <- function(dat, r, min_level) {
  x <- round_graph(dat, r, min_level)
  g <- x$g
  nm <- V(g)$name
  received <- function(col) {
    sapply(nm, function(o) {
      v <- x$t[[col]][x$t$partner_org == o]
      if (all(is.na(v))) NA else mean(v, na.rm = TRUE)
    })
  }
  info <- dat$orgs[dat$orgs$round == r, ]
  data.frame(
    round = r,
    org = nm,
    sector = info$sector[match(nm, info$org)],
    responded = info$responded[match(nm, info$org)],
    in_degree = as.numeric(degree(g, mode = "in")),
    out_degree = as.numeric(degree(g, mode = "out")),
    degree = as.numeric(degree(g, mode = "all")),
    betweenness = as.numeric(betweenness(g, directed = TRUE)),
    mean_trust_received = as.numeric(received("trust")),
    mean_value_received = as.numeric(received("value")),
    stringsAsFactors = FALSE
  )
}

# Tie turnover between two rounds, over all ties and among organisations that answered in
# both rounds (keep); Jaccard = |T1 & T2| / |T1 | T2|, NA when both are empty.
tie_keys <- function(dat, r, keep = NULL) {
  e <- round_graph(dat, r, 1, keep)$e
  paste(e$respondent_org, e$partner_org, sep = "\r")
}
turnover <- function(dat, r1, r2, keep) {
  t1 <- tie_keys(dat, r1, keep)
  t2 <- tie_keys(dat, r2, keep)
  u <- length(union(t1, t2))
  list(n_ties1 = length(t1), n_ties2 = length(t2), kept = length(intersect(t1, t2)),
       new = length(setdiff(t2, t1)), lost = length(setdiff(t1, t2)),
       jaccard = if (u > 0) length(intersect(t1, t2)) / u else NA)
}
both_responded <- function(dat, r1, r2) {
  o <- dat$orgs
  sort(intersect(o$org[o$round == r1 & o$responded], o$org[o$round == r2 & o$responded]))
}

# Organisations present in only one round, and each organisation's change between rounds.
joined_left <- function(dat, r1, r2) {
  o <- dat$orgs
  a <- o[o$round == r1, ]
  b <- o[o$round == r2, ]
  j <- b[!(b$org %in% a$org), ]
  l <- a[!(a$org %in% b$org), ]
  rows <- rbind(if (nrow(j)) data.frame(org = j$org, status = "joined", sector = j$sector,
                                        responded = j$responded),
                if (nrow(l)) data.frame(org = l$org, status = "left", sector = l$sector,
                                        responded = l$responded))
  if (is.null(rows)) return(list())
  rows[order(rows$status, rows$org), ]
}
# Ties that can be seen in both rounds: a tie is known only from its sender's answer, so an
# organisation's ties are counted from the senders that answered both rounds (NA when the
# organisation is not a node of the round).
observed_degree <- function(dat, r, keep, orgs, present) {
  e <- round_graph(dat, r, 1)$e
  e <- e[e$respondent_org %in% keep, ]
  d <- sapply(orgs, function(o) sum(e$respondent_org == o) + sum(e$partner_org == o))
  ifelse(present, as.numeric(d), NA)
}
org_change <- function(dat, r1, r2) {
  a <- org_rows(dat, r1, 1)
  b <- org_rows(dat, r2, 1)
  orgs <- sort(union(a$org, b$org))
  ia <- match(orgs, a$org)
  ib <- match(orgs, b$org)
  keep <- both_responded(dat, r1, r2)
  od1 <- observed_degree(dat, r1, keep, orgs, !is.na(ia))
  od2 <- observed_degree(dat, r2, keep, orgs, !is.na(ib))
  data.frame(
    org = orgs,
    sector = ifelse(is.na(ib), a$sector[ia], b$sector[ib]),
    present1 = !is.na(ia), present2 = !is.na(ib),
    responded1 = a$responded[ia], responded2 = b$responded[ib],
    in_degree1 = a$in_degree[ia], in_degree2 = b$in_degree[ib],
    in_degree_change = b$in_degree[ib] - a$in_degree[ia],
    degree1 = a$degree[ia], degree2 = b$degree[ib], degree_change = b$degree[ib] - a$degree[ia],
    observed_degree1 = unname(od1), observed_degree2 = unname(od2),
    observed_degree_change = unname(od2 - od1),
    mean_trust_received1 = a$mean_trust_received[ia],
    mean_trust_received2 = b$mean_trust_received[ib],
    trust_change = b$mean_trust_received[ib] - a$mean_trust_received[ia],
    mean_value_received1 = a$mean_value_received[ia],
    mean_value_received2 = b$mean_value_received[ib],
    value_change = b$mean_value_received[ib] - a$mean_value_received[ia],
    stringsAsFactors = FALSE)
}

# Asymmetric dyads: both sides rated the level and the ratings differ by 2 or more.
asymmetric <- function(dat) {
  asym <- list()
  for (r in sort(unique(dat$ties$round))) {
    t <- dat$ties[dat$ties$round == r & !is.na(dat$ties$collaboration_level), ]
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
  asym
}

# ------------------------------------------------------------------------ main test data
main <- prepare(read("cooperation_ties.csv"), read("cooperation_orgs.csv"))
statements <- read("cooperation_statements.csv")
items <- read("cooperation_items.csv")
items$reversed <- as.logical(items$reversed)

rounds <- sort(unique(main$orgs$round))
network <- list()
for (lvl in c(1, 3)) for (r in rounds) network[[length(network) + 1]] <- network_row(main, r, lvl)
organisations <- do.call(rbind, lapply(rounds, function(r) org_rows(main, r, 1)))

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
index_pair <- function(b) {
  a <- scores[scores$round == 1 & scores$index == b, ]
  z <- scores[scores$round == 2 & scores$index == b, ]
  list(named(a$score, a$respondent_org), named(z$score, z$respondent_org))
}
for (b in unique(items$index)) for (paired in c(TRUE, FALSE)) {
  x <- index_pair(b)
  compare_indices[[length(compare_indices) + 1]] <- c(
    list(index = b, test = if (paired) "paired" else "welch"), compare(x[[1]], x[[2]], paired))
}
compare_items <- list()
for (it in items$item) for (paired in c(TRUE, FALSE)) {
  a <- statements[statements$round == 1 & statements$item == it, ]
  z <- statements[statements$round == 2 & statements$item == it, ]
  compare_items[[length(compare_items) + 1]] <- c(
    list(item = it, test = if (paired) "paired" else "welch"),
    compare(named(a$value, a$respondent_org), named(z$value, z$respondent_org), paired))
}

both <- both_responded(main, 1, 2)
tie_turnover <- list(all = turnover(main, 1, 2, NULL),
                     respondents_both = turnover(main, 1, 2, both))
network_both <- list(network_row(main, 1, 1, both), network_row(main, 2, 1, both))

# The flat comparison row of rounds 1 -> 2 (min_n = 5): network figures and their change,
# tie turnover, organisations joined / left, asymmetric dyads, and per index the test chosen
# as documented (organisation-paired when at least max(min_n, 2) organisations have a score
# in both rounds, else Welch) with means, difference and p (withheld below min_n).
asym <- asymmetric(main)
flat <- list(round1 = 1, round2 = 2)
n1 <- network_row(main, 1, 1)
n2 <- network_row(main, 2, 1)
for (m in setdiff(names(n1), c("round", "min_level"))) {
  flat[[paste0(m, "1")]] <- n1[[m]]
  flat[[paste0(m, "2")]] <- n2[[m]]
  flat[[paste0(m, "_change")]] <- n2[[m]] - n1[[m]]
}
jl <- joined_left(main, 1, 2)
flat$ties_kept <- tie_turnover$all$kept
flat$ties_new <- tie_turnover$all$new
flat$ties_lost <- tie_turnover$all$lost
flat$ties_jaccard <- tie_turnover$all$jaccard
flat$orgs_joined <- sum(jl$status == "joined")
flat$orgs_left <- sum(jl$status == "left")
flat$respondents_both <- length(both)
flat$asymmetric_dyads1 <- sum(sapply(asym, function(a) a$round == 1))
flat$asymmetric_dyads2 <- sum(sapply(asym, function(a) a$round == 2))
for (b in unique(items$index)) {
  x <- index_pair(b)
  x1 <- x[[1]][!is.na(x[[1]])]
  x2 <- x[[2]][!is.na(x[[2]])]
  paired <- length(intersect(names(x1), names(x2))) >= max(min_n, 2)
  res <- compare(x1, x2, paired)
  shown <- min(res$n1, res$n2) >= min_n
  flat[[paste0(b, "_mean1")]] <- if (shown) res$mean1 else NA
  flat[[paste0(b, "_mean2")]] <- if (shown) res$mean2 else NA
  flat[[paste0(b, "_diff")]] <- if (shown) res$diff else NA
  flat[[paste0(b, "_p")]] <- if (shown) res$p else NA
  flat[[paste0(b, "_test")]] <- if (paired) "paired" else "welch"
}

# ------------------------------------------------------------------------ hard cases
edge <- prepare(read("cooperation_edge_ties.csv"), read("cooperation_edge_orgs.csv"))
edge_rounds <- sort(unique(edge$orgs$round))
edge_out <- list(
  network = lapply(edge_rounds, function(r) network_row(edge, r, 1)),
  organisations = do.call(rbind, lapply(edge_rounds, function(r) org_rows(edge, r, 1))),
  tie_turnover = list(
    "1-2" = list(all = turnover(edge, 1, 2, NULL),
                 respondents_both = turnover(edge, 1, 2, both_responded(edge, 1, 2))),
    "2-3" = list(all = turnover(edge, 2, 3, NULL),
                 respondents_both = turnover(edge, 2, 3, both_responded(edge, 2, 3)))),
  network_respondents_both = list(
    "1-2" = list(network_row(edge, 1, 1, both_responded(edge, 1, 2)),
                 network_row(edge, 2, 1, both_responded(edge, 1, 2))),
    "2-3" = list(network_row(edge, 2, 1, both_responded(edge, 2, 3)),
                 network_row(edge, 3, 1, both_responded(edge, 2, 3)))),
  org_change = org_change(edge, 1, 2),
  orgs_joined_left = joined_left(edge, 1, 2),
  asymmetric_dyads = asymmetric(edge)
)

expected <- list(
  r_version = R.version.string,
  igraph_version = as.character(packageVersion("igraph")),
  network = network,
  organisations = organisations,
  indices = indices,
  indices_by_sector = indices_by_sector,
  compare_indices = compare_indices,
  compare_items = compare_items,
  respondents_both = both,
  tie_turnover = tie_turnover,
  network_respondents_both = network_both,
  asymmetric_dyads = asym,
  org_change = org_change(main, 1, 2),
  orgs_joined_left = jl,
  comparison = flat,
  edge = edge_out
)
write_json(expected, file.path(here, "cooperation_expected.json"), auto_unbox = TRUE,
           digits = NA, pretty = TRUE, na = "null")
