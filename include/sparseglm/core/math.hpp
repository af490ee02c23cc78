#pragma once
// Scalar helpers that stay finite for any finite input.

#include <cmath>

namespace sparseglm::detail {

/// ST(x, tau) = sign(x) * max(|x| - tau, 0), the prox of tau * |.|.
template <class Scalar>
Scalar soft_threshold(Scalar x, Scalar tau) {
  if (x > tau) return x - tau;
  if (x < -tau) return x + tau;
  return Scalar(0);
}

template <class Scalar>
Scalar sign(Scalar x) {
  return Scalar((x > 0) - (x < 0));
}

/// sigma(t) = 1 / (1 + e^{-t}), without overflow for any |t|.
template <class Scalar>
Scalar sigmoid(Scalar t) {
  if (t >= 0) return Scalar(1) / (Scalar(1) + std::exp(-t));
  const Scalar e = std::exp(t);
  return e / (Scalar(1) + e);
}

}  // namespace sparseglm::detail
