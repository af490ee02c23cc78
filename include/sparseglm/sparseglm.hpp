#pragma once
// sparseglm: sparse generalized linear models by working-set coordinate descent.
// The umbrella header: includes the whole public API.

#include "sparseglm/batch/fit_many.hpp"
#include "sparseglm/core/error.hpp"
#include "sparseglm/core/types.hpp"
#include "sparseglm/datafits/datafit.hpp"
#include "sparseglm/datafits/logistic.hpp"
#include "sparseglm/datafits/quadratic.hpp"
#include "sparseglm/duality_gap.hpp"
#include "sparseglm/estimators/elastic_net.hpp"
#include "sparseglm/estimators/generalized_linear_estimator.hpp"
#include "sparseglm/estimators/lasso.hpp"
#include "sparseglm/estimators/sparse_logistic_regression.hpp"
#include "sparseglm/io/svmlight.hpp"
#include "sparseglm/path.hpp"
#include "sparseglm/penalties/elastic_net.hpp"
#include "sparseglm/penalties/l1.hpp"
#include "sparseglm/penalties/penalty.hpp"
#include "sparseglm/penalties/weighted_l1.hpp"
#include "sparseglm/solvers/options.hpp"
#include "sparseglm/solvers/result.hpp"
#include "sparseglm/solvers/solve.hpp"
