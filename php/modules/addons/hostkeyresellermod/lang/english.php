<?php

/**
 * The addon's own English texts (WHMCS's `$_ADDONLANG` layout). Most texts of the
 * admin page come from the component; these are the ones the PHP templates print.
 */

defined('WHMCS') || exit;

$_ADDONLANG['catalogue_heading'] = 'HOSTKEY catalogue';
$_ADDONLANG['preview_help'] = 'The preview lists what an import would change and writes nothing.';
$_ADDONLANG['sidebar_link'] = 'Catalogue and settings';
