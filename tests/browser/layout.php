<?php

/**
 * The page around the module's output, shaped like WHMCS's Twenty-One theme
 * (client area) and a plain admin page, on Debian's Bootstrap 4. Only local
 * URLs: the test browser may reach 127.0.0.1 and nothing else.
 */

declare(strict_types=1);

function hkrm_e(string $text): string
{
    return htmlspecialchars($text, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
}

function hkrm_layout(string $title, string $body, string $area, string $subtitle = ''): string
{
    $head = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        . '<meta name="viewport" content="width=device-width, initial-scale=1">'
        . '<title>' . hkrm_e($title) . ' - Example Hosting</title>'
        . '<link rel="stylesheet" href="/assets/bootstrap4/css/bootstrap.min.css"></head>';
    if ($area === 'admin') {
        return $head . '<body class="bg-light">'
            . '<nav class="navbar navbar-dark bg-dark mb-3"><span class="navbar-brand">WHMCS Admin</span>'
            . '<span class="navbar-text">Addons &rsaquo; ' . hkrm_e($title) . '</span></nav>'
            . '<main class="container-fluid"><div class="card"><div class="card-body">' . $body
            . '</div></div></main></body></html>';
    }
    return $head . '<body class="bg-light">'
        . '<header><nav class="navbar navbar-expand navbar-light bg-white border-bottom mb-3">'
        . '<div class="container"><span class="navbar-brand">Example Hosting</span>'
        . '<ul class="navbar-nav"><li class="nav-item"><span class="nav-link">Services</span></li>'
        . '<li class="nav-item"><span class="nav-link">Billing</span></li>'
        . '<li class="nav-item"><span class="nav-link">Support</span></li></ul></div></nav></header>'
        . '<div class="container"><nav aria-label="breadcrumb"><ol class="breadcrumb bg-transparent px-0">'
        . '<li class="breadcrumb-item">Portal Home</li><li class="breadcrumb-item">Client Area</li>'
        . '<li class="breadcrumb-item">My Products &amp; Services</li>'
        . '<li class="breadcrumb-item active" aria-current="page">' . hkrm_e($title) . '</li></ol></nav>'
        . '<div class="row"><div class="col-lg-3 mb-3"><div class="card"><div class="card-header">Overview</div>'
        . '<div class="list-group list-group-flush"><span class="list-group-item active">Information</span>'
        . '<span class="list-group-item">Upgrade/Downgrade</span>'
        . '<span class="list-group-item">Request Cancellation</span></div></div></div>'
        . '<div class="col-lg-9"><div class="card mb-3"><div class="card-body">'
        . '<h3 class="card-title">' . hkrm_e($title) . '</h3>'
        . ($subtitle !== '' ? '<p class="text-muted">' . hkrm_e($subtitle) . '</p>' : '')
        . '<div class="product-details-tab-container">' . $body . '</div>'
        . '</div></div></div></div></div></body></html>';
}
