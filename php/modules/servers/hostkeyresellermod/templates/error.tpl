{* Shown when the server's details cannot be displayed. The message is escaped. *}
<div class="alert alert-danger hostkeyresellermod-error" role="alert">
    {if $errorMessage}
        {$errorMessage|escape:'html'}
    {else}
        The server details are not available right now.
    {/if}
</div>
