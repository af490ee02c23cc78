#!/usr/bin/env Rscript
# Runs one threshold ladder of glmnet on one cached problem (bench/compare/run.py starts it).
#
#   Rscript glmnet_worker.R --data DIR --model lasso|enet|logreg (--alpha A | --path-alphas FILE)
#       [--l1-ratio R] [--fit-intercept 0|1] --tols T1,T2,... --out-dir DIR [--slow S]
#
# The same protocol as sklearn_worker.py: for each threshold, loosest first, one untimed warm-up
# fit, then 3 timed fits (1 when the previous threshold's median took more than --slow seconds);
# one JSON line {"tol", "time_s", "times", "coef_file"} per threshold; the coefficients, then the
# intercept, are written as raw little-endian float64 (one row per lambda for a path).
#
# glmnet(standardize = FALSE) minimises, with lambda = alpha:
#   gaussian:  RSS / (2n) + lambda ((1 - a) ||w||^2 / 2 + a ||w||_1), a = 1 (lasso) or l1_ratio,
#              the same as sparseglm's when y is centred with unit RMS (glmnet divides y by its
#              standard deviation and rescales lambda, which changes the ridge part otherwise);
#   binomial:  -loglik / n + lambda ||w||_1, labels {0, 1}.
# `thresh` bounds the largest weighted change of a coefficient in the last coordinate-descent
# pass, relative to the null deviance. fdev = 0 and devmax = 1 (glmnet.control) keep glmnet from
# stopping a path early when the deviance explained stops changing: every lambda is solved.

suppressPackageStartupMessages(library(glmnet))

parse_args <- function(argv) {
  args <- list(l1_ratio = 0.5, fit_intercept = 1, slow = 1, alpha = NA, path_alphas = NA)
  i <- 1
  while (i <= length(argv)) {
    key <- gsub("-", "_", sub("^--", "", argv[i]))
    args[[key]] <- argv[i + 1]
    i <- i + 2
  }
  args
}

read_npy <- function(path) {
  con <- file(path, "rb")
  on.exit(close(con))
  magic <- readBin(con, "raw", 8)
  if (!identical(magic[2:6], charToRaw("NUMPY"))) stop(path, ": not a .npy file")
  header_length <- if (as.integer(magic[7]) == 1) {
    readBin(con, "integer", size = 2, signed = FALSE, endian = "little")
  } else {
    readBin(con, "integer", size = 4, endian = "little")
  }
  header <- rawToChar(readBin(con, "raw", header_length))
  descr <- sub(".*'descr': *'([^']*)'.*", "\\1", header)
  shape_text <- sub(".*'shape': *\\(([^)]*)\\).*", "\\1", header)
  shape <- as.numeric(Filter(nzchar, trimws(strsplit(shape_text, ",")[[1]])))
  count <- prod(shape)
  values <- switch(descr,
    "<f8" = readBin(con, "double", count, size = 8, endian = "little"),
    "<i4" = readBin(con, "integer", count, size = 4, endian = "little"),
    stop(path, ": unsupported dtype ", descr))
  list(values = values, shape = shape, fortran = grepl("'fortran_order': *True", header))
}

load_problem <- function(directory) {
  y <- read_npy(file.path(directory, "y.npy"))$values
  dense <- file.path(directory, "X.npy")
  if (file.exists(dense)) {
    X <- read_npy(dense)
    if (!X$fortran) stop(dense, ": expected Fortran order")
    return(list(X = matrix(X$values, nrow = X$shape[1], ncol = X$shape[2]), y = y))
  }
  part <- function(name) read_npy(file.path(directory, paste0("X_", name, ".npy")))$values
  indptr <- part("indptr")
  X <- new("dgCMatrix", i = part("indices"), p = indptr, x = part("data"),
           Dim = c(length(y), length(indptr) - 1L))
  list(X = X, y = y)
}

main <- function() {
  args <- parse_args(commandArgs(trailingOnly = TRUE))
  problem <- load_problem(args$data)
  fit_intercept <- as.integer(args$fit_intercept) == 1
  lambdas <- if (!is.na(args$path_alphas)) read_npy(args$path_alphas)$values else as.numeric(args$alpha)
  family <- if (args$model == "logreg") "binomial" else "gaussian"
  y <- if (family == "binomial") as.numeric(problem$y > 0) else problem$y
  mixing <- if (args$model == "enet") as.numeric(args$l1_ratio) else 1
  glmnet.control(fdev = 0, devmax = 1)

  fit_once <- function(thresh) {
    start <- Sys.time()
    fit <- glmnet(problem$X, y, family = family, alpha = mixing, lambda = lambdas, standardize = FALSE,
                  intercept = fit_intercept, thresh = thresh, maxit = 1e8)
    list(seconds = as.numeric(difftime(Sys.time(), start, units = "secs")), fit = fit)
  }

  previous <- 0
  tols <- as.numeric(strsplit(args$tols, ",")[[1]])
  for (index in seq_along(tols)) {
    invisible(fit_once(tols[index]))  # warm-up
    runs <- lapply(seq_len(if (previous > as.numeric(args$slow)) 1 else 3), function(k) fit_once(tols[index]))
    times <- vapply(runs, function(run) run$seconds, numeric(1))
    fit <- runs[[length(runs)]]$fit
    beta <- as.matrix(fit$beta)
    rows <- rbind(beta, fit$a0)  # column k: lambda k's coefficients, then its intercept
    coef_file <- file.path(args$out_dir, sprintf("coef-%d.f64", index - 1))
    writeBin(as.vector(rows), coef_file, size = 8, endian = "little")
    previous <- median(times)
    cat(sprintf('{"tol": %.17g, "time_s": %.17g, "times": [%s], "coef_file": "%s", "n_lambdas": %d}\n',
                tols[index], previous, paste(sprintf("%.17g", times), collapse = ", "), coef_file,
                ncol(beta)))
    flush(stdout())
  }
}

main()
