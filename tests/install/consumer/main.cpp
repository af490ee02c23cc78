// Smoke test of a downstream build: fit a Lasso on a tiny generated problem.
// Exit status 0 iff the fit returns finite coefficients of the right size.
#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <sparseglm/sparseglm.hpp>

int main() {
  const Eigen::Index n = 30;
  const Eigen::Index p = 6;
  Eigen::MatrixXd X(n, p);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < p; ++j) X(i, j) = std::sin(1.0 + static_cast<double>(i * p + j));
  Eigen::VectorXd w_true = Eigen::VectorXd::Zero(p);
  w_true(0) = 1.5;
  w_true(3) = -2.0;
  const Eigen::VectorXd y = X * w_true;

  sparseglm::Lasso model(0.1);
  model.fit(X, y);

  const Eigen::VectorXd coef = model.coef();
  if (coef.size() != p || !coef.allFinite()) {
    std::fprintf(stderr, "consumer: bad coefficients (size %ld)\n", static_cast<long>(coef.size()));
    return 1;
  }
  std::printf("consumer: Lasso fit OK, coef[0] = %g, coef[3] = %g\n", coef(0), coef(3));
  return 0;
}
