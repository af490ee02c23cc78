#pragma once
// The Penalty concept: the separable part G(w) = sum_j g_j(w_j) of P(w, b) = F(Xw + b) + G(w).
//
// The solver asks a penalty for:
//   value(w)                         G(w). Cost O(p).
//   prox_1d(x, step, j)              argmin_u (u - x)^2 / (2 step) + g_j(u). O(1).
//   subdiff_distance(w_j, grad_j, j) dist(-grad_j, subdifferential of g_j at w_j): the
//                                    feature's optimality violation, 0 at the optimum. O(1).
//   is_penalized(j)                  false for a feature the penalty leaves free (g_j = 0).
//   alpha_max(grad0)                 the smallest alpha for which w = 0 is optimal, given the
//                                    datafit's gradient at w = 0 (intercept and unpenalised
//                                    features at their own optimum). O(p).
// Optional:
//   validate(p)                      throws sparseglm::invalid_argument when the penalty does
//                                    not fit a problem with p features (weights length).
//   value_1d(x, j)                   g_j(x). O(1). The prox-Newton line search compares
//                                    penalty values coordinate by coordinate with it; without
//                                    it, G(w) - G(w') over all p features, whose rounding
//                                    limits how small a step can be certified.
//   derivatives_1d(x, j)             (g_j'(x), g_j''(x)) at x != 0, where g_j is twice
//                                    differentiable. With value_1d, it lets least-squares fits
//                                    take Newton steps on their support (solvers/
//                                    support_newton.hpp) when coordinate descent crawls.
// Penalties whose strength is one parameter alpha also give alpha() and with_alpha(a) (the
// same penalty at another alpha), which is all that regularisation paths need.
// Members are templates on the scalar so that one penalty serves float and double designs.
// Penalties with constraints (g_j = +inf outside a set, e.g. a box) return +inf from value()
// outside it, so that the solver rejects Anderson proposals that leave the set, and keep the
// prox inside it.

#include <concepts>

#include "sparseglm/core/types.hpp"

namespace sparseglm {

template <class G, class Scalar>
concept Penalty = requires(const G& penalty, const Vector<Scalar>& w, Scalar x, Index j) {
  { penalty.value(w) } -> std::convertible_to<Scalar>;
  { penalty.prox_1d(x, x, j) } -> std::convertible_to<Scalar>;
  { penalty.subdiff_distance(x, x, j) } -> std::convertible_to<Scalar>;
  { penalty.is_penalized(j) } -> std::convertible_to<bool>;
  { penalty.alpha_max(w) } -> std::convertible_to<double>;
};

template <class G>
concept AlphaPenalty = requires(const G& penalty, double alpha) {
  { penalty.alpha() } -> std::convertible_to<double>;
  { penalty.with_alpha(alpha) } -> std::convertible_to<G>;
};

namespace detail {

template <class G>
void validate_penalty(const G& penalty, Index n_features) {
  if constexpr (requires { penalty.validate(n_features); }) penalty.validate(n_features);
}

}  // namespace detail
}  // namespace sparseglm
