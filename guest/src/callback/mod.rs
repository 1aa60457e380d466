//! HOSTKEY's post-install callback: the signed URL the order carried.

pub mod post_install;
