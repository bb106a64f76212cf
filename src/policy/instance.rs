//! A policy as the engine plays it: a copy of its own, whose `decide` is a `match` on
//! its kind rather than a virtual call.
//!
//! The engine asks every dyad's policy for a decision every round, and a tournament
//! every seat's: a call through `dyn Policy` there cannot be inlined, and cost a
//! visible share of a round. An [`Instance`] holds a kind of the registry by value, so
//! each arm of its `match` calls that kind's own methods directly (and the compiler
//! may inline them into the loop); any other policy (a test's scripted opponent) is
//! held boxed and called as before. Either way the same methods run on the same
//! views: the moves and the random draws are those of the boxed policy, which the
//! engine's agreement tests check.

use super::{Policy, PolicyInfo, Reflex, View};
use crate::ladder::Move;
use crate::rng::SimRng;
use std::borrow::{Borrow, BorrowMut};

/// Declares [`Kinded`] with one variant per kind of the registry, the conversion of
/// each kind's type into an [`Instance`], and its methods, each one `match` on the
/// kind.
macro_rules! kinded {
    ($($kind:ident: $type:ident,)*) => {
        /// A policy held by value when its kind is one of the registry's (the few
        /// kinds larger than a mirror boxed, see [`held`]).
        #[derive(Debug, Clone)]
        enum Kinded {
            $($type(held!($kind: $type)),)*
            /// Any other policy, called through its box.
            Boxed(Box<dyn Policy>),
        }

        $(impl From<super::$kind::$type> for Instance {
            fn from(policy: super::$kind::$type) -> Instance {
                Instance(Kinded::$type(policy.into()))
            }
        })*

        impl Instance {
            /// The policy inside, as a trait object (for what is not called per round).
            pub fn policy(&self) -> &dyn Policy {
                match &self.0 {
                    $(Kinded::$type(p) => Borrow::<super::$kind::$type>::borrow(p),)*
                    Kinded::Boxed(p) => &**p,
                }
            }

            /// [`Policy::decide`], called by the kind.
            #[inline(always)]
            pub fn decide(&mut self, view: &View<'_>, rng: &mut SimRng) -> Move {
                match &mut self.0 {
                    $(Kinded::$type(p) => own::<super::$kind::$type>(p).decide(view, rng),)*
                    Kinded::Boxed(p) => p.decide(view, rng),
                }
            }

            /// [`Policy::decide_package`], called by the kind.
            #[inline]
            pub fn decide_package(
                &mut self,
                view: &View<'_>,
                rng: &mut SimRng,
                package: &mut Vec<Move>,
            ) {
                match &mut self.0 {
                    $(Kinded::$type(p) => {
                        own::<super::$kind::$type>(p).decide_package(view, rng, package)
                    })*
                    Kinded::Boxed(p) => p.decide_package(view, rng, package),
                }
            }

            /// [`Policy::reflex`], called by the kind.
            #[inline]
            pub fn reflex(&self) -> Option<Reflex> {
                match &self.0 {
                    $(Kinded::$type(p) => Borrow::<super::$kind::$type>::borrow(p).reflex(),)*
                    Kinded::Boxed(p) => p.reflex(),
                }
            }

            /// [`Policy::reset`], called by the kind.
            #[inline]
            pub fn reset(&mut self) {
                match &mut self.0 {
                    $(Kinded::$type(p) => own::<super::$kind::$type>(p).reset(),)*
                    Kinded::Boxed(p) => p.reset(),
                }
            }

            /// Hands `a` and `b` to `visit` as their own types: a loop written once
            /// for any pair is compiled for every pair of kinds, each seat's calls
            /// direct (and inlined) instead of a `match` per decision.
            pub fn visit_pair<V: PairVisit>(a: &mut Instance, b: &mut Instance, visit: V) -> V::Output {
                match &mut a.0 {
                    $(Kinded::$type(p) => {
                        second_seat(own::<super::$kind::$type>(p), b, visit)
                    })*
                    Kinded::Boxed(p) => second_seat(&mut **p, b, visit),
                }
            }
        }

        /// [`Instance::visit_pair`] once the first seat's type is known.
        fn second_seat<A: Policy + ?Sized, V: PairVisit>(
            a: &mut A,
            b: &mut Instance,
            visit: V,
        ) -> V::Output {
            match &mut b.0 {
                $(Kinded::$type(p) => visit.visit(a, own::<super::$kind::$type>(p)),)*
                Kinded::Boxed(p) => visit.visit(a, &mut **p),
            }
        }
    };
}

/// How [`Kinded`] holds a kind: by value, except the kinds larger than a mirror,
/// boxed. Every dyad holds an instance, and the engine reads each dyad's every
/// round: held by value, the largest kind (respond, 96 bytes) made every instance
/// 128 bytes, twice a mirror's; with a hundred actors and more, the instances alone
/// were more than a core's cache.
macro_rules! held {
    (generous: $type:ident) => { Box<super::generous::$type> };
    (solidarity: $type:ident) => { Box<super::solidarity::$type> };
    (respond: $type:ident) => { Box<super::respond::$type> };
    ($kind:ident: $type:ident) => { super::$kind::$type };
}

/// The policy `held` holds, whether by value or boxed.
#[inline(always)]
fn own<P>(held: &mut impl BorrowMut<P>) -> &mut P {
    held.borrow_mut()
}

super::registry::with_every_kind!(kinded);

/// Work on two policies, each of its own type: what [`Instance::visit_pair`] runs.
pub trait PairVisit {
    /// What the work returns.
    type Output;

    /// Does the work on `a` and `b`.
    fn visit<A: Policy + ?Sized, B: Policy + ?Sized>(self, a: &mut A, b: &mut B) -> Self::Output;
}

/// A copy of a policy for the engine to play ([`Policy::instance`]).
///
/// Aligned to a cache line, so that the fields a policy reads every round, at the
/// start of its kind's type (as `mirror` orders them), lie in one line.
#[derive(Debug, Clone)]
#[repr(align(64))]
pub struct Instance(Kinded);

impl Instance {
    /// `policy`, called through its box: what a policy outside the registry becomes,
    /// and the reference the engine's specialisation is tested against.
    pub fn boxed(policy: Box<dyn Policy>) -> Instance {
        Instance(Kinded::Boxed(policy))
    }

    /// Facts about the kind.
    pub fn info(&self) -> &'static PolicyInfo {
        self.policy().info()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_of_any_kind_takes_one_cache_line() {
        // The engine reads every dyad's instance every round: a kind larger than a
        // mirror held by value would make them all two lines. Box it in `held!`.
        assert_eq!(std::mem::size_of::<Instance>(), 64);
        assert_eq!(std::mem::align_of::<Instance>(), 64);
    }
}
